import type { HostEvent } from '../host/events';
import type { JobEvent } from '../job/events';
import type { RolloutEvent, RolloutEventType } from '../rollout/events';

/**
 * The events of jobs and hosts, each in the envelope `{ type, schemaVersion, data, metadata }`.
 * A rollout's events (`RolloutEvent`) have the same envelope without the metadata, which is given
 * when they are appended and kept beside them in the store; the rollout's stream stores them flat
 * (`storedRolloutEvent`).
 */
export type DomainEvent = JobEvent | HostEvent;

export type DomainEventType = DomainEvent['type'];

/** Every type of event the domain reads back from the store: a job's, a host's or a rollout's. */
export type RecordedEventType = DomainEventType | RolloutEventType;

type VersionOf<E extends { type: string; schemaVersion: number }, T> = Extract<E, { type: T }>['schemaVersion'];

const ENVELOPED_SCHEMA_VERSION: { readonly [T in DomainEventType]: VersionOf<DomainEvent, T> } = {
  JobRegistered: 1,
  JobRevisionCreated: 1,
  JobRemoved: 1,
  ContainerStarted: 1,
  ContainerStopped: 1,
  ContainerExited: 1,
  ContainerRestarted: 1,
  ContainerRemoved: 1,
  JobStopped: 1,
  TaskRestarted: 1,
  TaskRestartFailed: 1,
  HealthCheckPassed: 1,
  HealthCheckFailed: 1,
  TaskHealthChanged: 2,
  JobRolloutStarted: 1,
  JobRolloutEnded: 1,
  HostDeclared: 1,
  HostRetired: 1,
  HostUnreachable: 1,
  HostReachable: 1,
  UnexpectedContainerFound: 1,
  UnexpectedContainerGone: 1,
  HostHeld: 1,
  HostConfirmed: 1,
  HostSharedWithCluster: 1,
  HostNoLongerShared: 1,
};

const ROLLOUT_SCHEMA_VERSION: { readonly [T in RolloutEventType]: VersionOf<RolloutEvent, T> } = {
  RolloutStarted: 1,
  RolloutLeaseAcquired: 1,
  ImagePullRequested: 1,
  ImagePulled: 1,
  ImagePullFailed: 1,
  TaskUpdateStarted: 1,
  ContainerStopRequested: 1,
  RolloutContainerStopped: 1,
  ContainerRemoveRequested: 1,
  RolloutContainerRemoved: 1,
  ContainerCreateRequested: 1,
  RolloutContainerCreated: 1,
  ContainerStartRequested: 1,
  RolloutContainerMissing: 1,
  ContainerStepUnanswered: 1,
  RolloutContainerStarted: 1,
  RolloutHealthCheckPassed: 1,
  RolloutHealthCheckFailed: 1,
  UpdatedTaskChecked: 1,
  TaskUpdated: 1,
  TaskUpdateFailed: 1,
  TaskRolledBack: 1,
  ReplacedContainersRemoved: 1,
  LeftoverContainersRemoved: 1,
  RolloutMonitoringStarted: 1,
  RolloutWaitedOnStore: 1,
  BatchCompleted: 1,
  RolloutPaused: 1,
  RolloutResumed: 1,
  RolloutAbortRequested: 1,
  RolloutAborted: 1,
  RolloutRollbackStarted: 1,
  RolloutSucceeded: 1,
  RolloutRolledBack: 1,
  RolloutFailed: 1,
};

/** The schema version each event type is written with today; older ones are upcast on read. */
export const CURRENT_SCHEMA_VERSION: {
  readonly [T in DomainEventType]: VersionOf<DomainEvent, T>;
} & { readonly [T in RolloutEventType]: VersionOf<RolloutEvent, T> } = {
  ...ENVELOPED_SCHEMA_VERSION,
  ...ROLLOUT_SCHEMA_VERSION,
};

/** A job's or a host's event type, as opposed to a rollout's or another aggregate's. */
export const isDomainEventType = (type: string): type is DomainEventType =>
  Object.hasOwn(ENVELOPED_SCHEMA_VERSION, type);

/** A rollout's event type. */
export const isRolloutEventType = (type: string): type is RolloutEventType =>
  Object.hasOwn(ROLLOUT_SCHEMA_VERSION, type);
