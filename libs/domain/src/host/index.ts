export * from './host-decider';
export * from './host-retirement';
export type {
  ContainerSighting,
  RecordContainerSightings,
  ReportedContainer,
  ReportedContainers,
} from './unexpected-containers';
