export * from './field-change';
export * from './diff-job-specs';
export * from './diff-environments';
export * from './change-kind';
