export * from './compare-environments';
