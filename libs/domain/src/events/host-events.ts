import type { EventOf } from './metadata';

/** Stream `cj.<env>.host.<name>`: reachability transitions of a host's Docker endpoint. */

export type HostUnreachable = EventOf<'HostUnreachable', { host: string; endpoint: string; error: string }>;
export type HostReachable = EventOf<'HostReachable', { host: string; endpoint: string; engineVersion?: string }>;

export type HostEvent = HostUnreachable | HostReachable;
