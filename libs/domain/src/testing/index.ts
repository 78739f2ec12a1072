export * from './job-specs';
export * from '../rollout/testing/world';
export * from './job-events';
