export * from './commands';
export * from './events';
export type { JobState, ObservedContainer, ObservedContainerState, ObservedTask } from './state';
export { evolveJob, hasRunningContainer, initialJobState } from './state';
export * from './decide';
