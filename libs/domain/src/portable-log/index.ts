export * from './format';
export * from './read-portable-log';
export * from './plan-import';
