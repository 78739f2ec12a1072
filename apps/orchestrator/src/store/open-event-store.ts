import { EventStoreDbStore, openSqliteEventStore, type EventStore } from '@cj/event-store';

const ESDB_SCHEMES = ['esdb://', 'esdb+discover://'];

/**
 * The event store behind `--store`: an `esdb://…` connection string selects EventStoreDB (the
 * distributed engine); anything else is the path of the embedded SQLite log.
 */
export function openEventStore(spec: string): EventStore {
  if (ESDB_SCHEMES.some((scheme) => spec.startsWith(scheme))) return new EventStoreDbStore(spec);
  return openSqliteEventStore(spec);
}

export const EVENT_STORE = Symbol('EventStore');
