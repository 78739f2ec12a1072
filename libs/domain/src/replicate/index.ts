export * from './plan-replicate';
