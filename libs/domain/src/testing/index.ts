export * from './job-specs';
