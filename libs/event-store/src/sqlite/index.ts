export { openSqliteEventStore, SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store';
export type { DurabilitySettings } from './schema';
export * from './errors';
