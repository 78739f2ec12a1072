export * from './commands';
export * from './events';
export * from './state';
export * from './decide';
export * from './host-retirement';
export type { ContainerSighting, RecordContainerSightings, ReportedContainers } from './unexpected-containers';
export * from './host-target';
