export * from './port';
export * from './errors';
export * from './validation';
export { DEFAULT_MAX_APPEND_SIZE, eventSize } from './append-size';
export * from './sqlite';
export * from './esdb';
