export * from './commands';
export * from './events';
export * from './state';
export * from './decide';
export * from './host-retirement';
export type {
  ContainerSighting,
  RecordContainerSightings,
  ReportedContainer,
  ReportedContainers,
} from './unexpected-containers';
