import type { HostSpec } from '../jobs-file/model';
import type { EventOf } from './metadata';

/** Stream `cj.<env>.host.<name>`: where a host's Docker engine is, and whether it answers. */

/** The host's endpoint and address as the applied jobs file declares them (first time, or changed). */
export type HostDeclared = EventOf<'HostDeclared', { host: string; endpoint: string; address: string; tls?: HostSpec['tls'] }>;

export type HostUnreachable = EventOf<'HostUnreachable', { host: string; endpoint: string; error: string }>;
export type HostReachable = EventOf<'HostReachable', { host: string; endpoint: string; engineVersion?: string }>;

export type HostEvent = HostDeclared | HostUnreachable | HostReachable;
