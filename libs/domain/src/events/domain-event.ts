import type { HostEvent } from '../host/events';
import type { JobEvent } from '../job/events';

/** Every event cj records. A new aggregate adds its union here (rollout events will). */
export type DomainEvent = JobEvent | HostEvent;

export type DomainEventType = DomainEvent['type'];

/** The schema version each event type is written with today; older ones are upcast on read. */
export const CURRENT_SCHEMA_VERSION: {
  readonly [T in DomainEventType]: Extract<DomainEvent, { type: T }>['schemaVersion'];
} = {
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
