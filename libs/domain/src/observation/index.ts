export type { HostLook, HostObservation, LastKnownContainer } from './host-look';
export { observeHost } from './observe-host';
