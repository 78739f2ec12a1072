export * from './container-runtime';
export * from './registry';
