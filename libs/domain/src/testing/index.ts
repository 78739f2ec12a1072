export * from './job-specs';
export * from '../rollout/testing/world';
