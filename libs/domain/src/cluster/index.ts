export * from './store-identity';
export * from './cluster-ownership';
export type { RecordForeignContainers, SharedClusters } from './shared-hosts';
export * from './held-hosts';
