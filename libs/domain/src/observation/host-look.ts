import type { HealthStatus } from '../job/events';
import type { CommandMetadata } from '../command-metadata';
import type { JobCommand } from '../job/commands';
import type { ObservedContainerState } from '../job/state';
import type { RecordContainerSightings } from '../host/unexpected-containers';
import type { ContainerInfo, ProbeResult } from '../ports/container-runtime';

/** The last container the log knows of one task, as the read side keeps it. */
export interface LastKnownContainer {
  readonly job: string;
  readonly task: number;
  readonly containerId: string;
  readonly state: ObservedContainerState;
  readonly revision: number;
  readonly health: HealthStatus;
  /** The engine's restart count as the log last recorded it (0 when it never restarted). */
  readonly restartCount?: number;
}

/** One look at a host's engine, beside what the log says of it. */
export interface HostLook {
  readonly host: string;
  /** The last container of each task whose last container is on this host (tasks without one are left out). */
  readonly known: readonly LastKnownContainer[];
  /** cj's containers of the environment that the host's engine lists now. */
  readonly containers: readonly ContainerInfo[];
  /** Health check results of the known running containers, by container id. */
  readonly health: ReadonlyMap<string, ProbeResult>;
  /** Whether the job's log has this revision of the job. */
  readonly knownRevision: (job: string, revision: number) => boolean;
  /** Stamped on every command: actor `orchestrator`, one command id per look. */
  readonly metadata: CommandMetadata;
}

/** What the log must learn from one look at a host. */
export interface HostObservation {
  /** Commands for each job's stream, in order, by job. */
  readonly jobCommands: ReadonlyMap<string, readonly JobCommand[]>;
  /** Every cj container seen, for the host's stream: it records the unexpected ones. */
  readonly sightings: RecordContainerSightings;
}
