export * from './host-decider';
export type { ContainerSighting, RecordContainerSightings, ReportedContainer, ReportedContainers } from './unexpected-containers';
