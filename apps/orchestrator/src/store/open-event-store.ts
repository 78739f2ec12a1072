import { EventStoreDbStore, openSqliteEventStore, type EventStore } from '@cj/event-store';
import { ChainedEventStore } from './hash-chain';

const ESDB_SCHEMES = ['esdb://', 'esdb+discover://'];

/**
 * The event store behind `--store`: an `esdb://…` connection string selects EventStoreDB (the
 * distributed engine); anything else is the path of the embedded SQLite log. Either way every
 * event cj appends is chained to its stream's previous one (tamper evidence, `verifyChains`).
 */
export function openEventStore(spec: string): EventStore {
  if (ESDB_SCHEMES.some((scheme) => spec.startsWith(scheme))) return new ChainedEventStore(new EventStoreDbStore(spec));
  return new ChainedEventStore(openSqliteEventStore(spec));
}

export const EVENT_STORE = Symbol('EventStore');
