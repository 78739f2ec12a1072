export * from './field-change';
export * from './diff-job-specs';
export * from './change-kind';
