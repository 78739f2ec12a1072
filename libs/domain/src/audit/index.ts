export * from './audit-facts';
