import type { CommandMetadata, ContainerInfo, JobCommand } from '@cj/domain';
import type { TaskRow } from '../read-model/queries/task-queries';

export interface TaskHealth {
  readonly healthy: boolean;
  readonly detail: string;
}

export interface HostObservation {
  readonly env: string;
  readonly host: string;
  /** The tasks whose last container is on this host, as the read model has them. */
  readonly rows: readonly TaskRow[];
  /** cj's containers of the env that the host's engine lists now. */
  readonly containers: readonly ContainerInfo[];
  /** Health check results of running containers, by container id. */
  readonly health: ReadonlyMap<string, TaskHealth>;
  readonly knownRevision: (job: string, revision: number) => boolean;
  /** Stamped on every command: actor `orchestrator`, one command id per look. */
  readonly metadata: CommandMetadata;
}

export interface HostChanges {
  /** Commands to record, per job. */
  readonly byJob: Map<string, JobCommand[]>;
  /** Running containers with cj's labels that no task of the log accounts for. */
  readonly unexpected: ContainerInfo[];
}

/**
 * What the log must learn from one look at a host, as job commands: pure, so the rules read (and
 * test) apart from Docker. Exited, restarted, vanished, adopted containers; health transitions.
 */
export function reconcileHost(observation: HostObservation): HostChanges {
  const { metadata } = observation;
  const byJob = new Map<string, JobCommand[]>();
  const add = (job: string, command: JobCommand) => byJob.set(job, [...(byJob.get(job) ?? []), command]);
  const byId = new Map(observation.containers.map((container) => [container.id, container]));
  const accounted = new Set<string>();

  for (const row of observation.rows) {
    if (row.container_id === null) continue;
    accounted.add(row.container_id);
    const ref = { job: row.job, task: row.task, host: observation.host, containerId: row.container_id };
    const seen = byId.get(row.container_id);
    if (!seen) {
      // Gone from the host (removed by hand, or the host was rebuilt): the log says so too.
      add(row.job, { type: 'RecordContainerRemoved', data: ref, metadata });
      continue;
    }
    const runs = seen.state === 'running' || seen.state === 'restarting';
    if (row.observed_state === 'running' && !runs) {
      add(row.job, { type: 'RecordContainerExited', data: { ...ref, exitCode: seen.exitCode ?? -1, oomKilled: false }, metadata });
    } else if (row.observed_state !== 'running' && runs && row.observed_revision !== null) {
      // Restarted by its restart policy (or by hand).
      add(row.job, { type: 'RecordContainerStarted', data: { ...ref, revision: row.observed_revision }, metadata });
    } else if (runs) {
      const health = observation.health.get(seen.id);
      const now = health === undefined ? undefined : health.healthy ? 'healthy' : 'unhealthy';
      if (now !== undefined && now !== row.health) {
        add(row.job, { type: 'RecordHealthCheck', data: { ...ref, passed: health!.healthy, detail: health!.detail }, metadata });
      }
    }
  }

  const unexpected: ContainerInfo[] = [];
  for (const container of observation.containers) {
    if (accounted.has(container.id) || container.state !== 'running') continue;
    const row = observation.rows.find((r) => r.job === container.job && r.task === container.task);
    const adoptable = observation.knownRevision(container.job, container.revision) && (row === undefined || row.container_id === null || byId.get(row.container_id)?.state !== 'running');
    if (adoptable) {
      // A container cj made (a rollout, or an up before a crash) that the job's log has not recorded.
      add(container.job, {
        type: 'RecordContainerStarted',
        data: { job: container.job, task: container.task, host: observation.host, containerId: container.id, revision: container.revision, ...(container.rollout && { rolloutId: container.rollout }) },
        metadata,
      });
    } else {
      unexpected.push(container);
    }
  }
  return { byJob, unexpected };
}
