export type { HostLook, HostObservation, LastKnownContainer } from './host-look';
export { observeHost } from './observe-host';
export {
  boundedTail,
  LOG_TAIL_BYTES,
  LOG_TAIL_LINES,
  observeEngineEvent,
  type EngineEventLook,
} from './observe-engine-event';
