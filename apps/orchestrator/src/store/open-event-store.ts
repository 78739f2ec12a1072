import { openSqliteEventStore, type EventStore } from '@cj/event-store';

const ESDB_SCHEMES = ['esdb://', 'esdb+discover://'];

export class StoreNotAvailableError extends Error {
  override readonly name = 'StoreNotAvailableError';
  constructor(readonly spec: string) {
    super(`--store ${spec}: this build has no EventStoreDB adapter; use a SQLite file path (e.g. --store ./cj.db)`);
  }
}

/**
 * The event store behind `--store`: an `esdb://…` connection string selects EventStoreDB (the
 * distributed engine); anything else is the path of the embedded SQLite log.
 */
export function openEventStore(spec: string): EventStore {
  if (ESDB_SCHEMES.some((scheme) => spec.startsWith(scheme))) throw new StoreNotAvailableError(spec);
  return openSqliteEventStore(spec);
}

export const EVENT_STORE = Symbol('EventStore');
