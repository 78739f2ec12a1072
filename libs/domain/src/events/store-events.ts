import type { StoreLocation } from '@cj/api';
import type { EventOf } from './metadata';

/**
 * Stream `cj-store`: the store's own identity, outside every environment (its name does not start
 * with `cj.`, so no environment's subscription, audit, export or replicate ever carries it).
 */
export const STORE_STREAM = 'cj-store';

/**
 * The store was first started: its id names this cluster (containers carry it in their
 * `cj.cluster` label), and stays the same for as long as the log lives, wherever it is moved.
 */
export type StoreIdentified = EventOf<
  'StoreIdentified',
  { storeId: string; createdAt: string; location: StoreLocation }
>;

/**
 * The orchestrator started on this log somewhere else than where it last ran: a copy or a restore.
 * Its hosts are held (`HostHeld`) until someone confirms they are this cluster's.
 */
export type StoreRelocated = EventOf<'StoreRelocated', { storeId: string; from: StoreLocation; to: StoreLocation }>;

export type StoreEvent = StoreIdentified | StoreRelocated;

/** `embedded h1:/var/lib/cj/cj.db`, `eventstoredb esdb://…`: a location as a person reads it. */
export function describeLocation(location: StoreLocation): string {
  return location.kind === 'embedded'
    ? `embedded ${location.machine}:${location.path}`
    : `eventstoredb ${location.endpoint}`;
}

export function sameLocation(a: StoreLocation, b: StoreLocation): boolean {
  return describeLocation(a) === describeLocation(b);
}
