export { EventStoreDbStore, type EventStoreDbStoreOptions } from './esdb-store';
export { EventStoreDeadlineError, EventStoreUnavailableError, InvalidConnectionStringError } from './errors';
