export * from './plan-apply';
