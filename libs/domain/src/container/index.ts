export * from './container-liveness';
export * from './task-container-spec';
