export * from './metadata';
export * from './domain-event';
export * from './streams';
export * from './event-id';
export * from './upcast';
export * from './store-events';
