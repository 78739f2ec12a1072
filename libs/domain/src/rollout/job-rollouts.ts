/**
 * What a rollout means for its job's stream (`cj.<env>.job.<name>`): the revision the job is left
 * on when the rollout ends, the revision a rollback returns to, and the container facts a
 * rollout's outcomes add to the job's record of what runs where.
 */
import type { HealthCheck, Millis } from '../jobs-file/model';
import type { EndRollout, JobCommand } from '../job/job-commands';
import type { CommandMetadata } from '../job/command-metadata';
import type { JobState, ObservedContainer } from '../job/job-state';
import type { RolloutEvent } from './events';
import type { ActiveRollout } from './state';

/** The job-stream end mark of a finished rollout: which revision the whole job runs now, if one. */
export function endRolloutCommand(rollout: ActiveRollout, metadata: CommandMetadata): EndRollout {
  const revision =
    rollout.status === 'succeeded' && rollout.failedTasks.length === 0
      ? rollout.toRevision
      : rollout.status === 'rolled-back'
        ? rollout.fromRevision
        : undefined;
  return {
    type: 'EndRollout',
    data: { job: rollout.job, rolloutId: rollout.id, status: rollout.status, ...(revision !== undefined && { revision }) },
    metadata,
  };
}

/**
 * The revision every task of the job runs now, when they all run the same one; undefined when
 * none runs or they differ.
 */
export function runningRevision(state: JobState): number | undefined {
  const revisions = new Set(
    Object.values(state.tasks).flatMap((task) => task.containers.filter((c) => c.state === 'running').map((c) => c.revision)),
  );
  return revisions.size === 1 ? [...revisions][0] : undefined;
}

/** Where `cj rollback` returns by default: the newest good revision other than the one that runs now. */
export function previousGoodRevision(state: JobState): number | undefined {
  const now = runningRevision(state) ?? state.currentRevision;
  return [...state.goodRevisions].reverse().find((revision) => revision !== now);
}

/**
 * The job commands that record, on the job's stream, what a rollout step's outcome did to
 * containers: started, stopped, removed. Only facts the job's state lacks become commands, so
 * recording the same outcome again (a step retried after a crash) adds nothing.
 */
export function containerFacts(rollout: ActiveRollout, outcome: readonly RolloutEvent[], job: JobState, metadata: CommandMetadata): JobCommand[] {
  const commands: JobCommand[] = [];
  const known = (task: number, containerId: string): ObservedContainer | undefined =>
    job.tasks[task]?.containers.find((c) => c.containerId === containerId);
  const ref = (task: number, containerId: string) => ({
    job: rollout.job,
    task,
    host: known(task, containerId)?.host ?? (rollout.tasks.find((t) => t.task === task)?.host as string),
    containerId,
  });
  for (const event of outcome) {
    switch (event.type) {
      case 'RolloutContainerStarted': {
        const revision = event.role === 'new' ? rollout.toRevision : (known(event.task, event.containerId)?.revision ?? rollout.fromRevision);
        if (revision === undefined || known(event.task, event.containerId)?.state === 'running') break;
        commands.push({ type: 'RecordContainerStarted', data: { ...ref(event.task, event.containerId), revision, rolloutId: rollout.id }, metadata });
        break;
      }
      case 'RolloutContainerStopped':
        if (event.containerId !== null && known(event.task, event.containerId)?.state === 'running') {
          commands.push({ type: 'RecordContainerStopped', data: ref(event.task, event.containerId), metadata });
        }
        break;
      case 'RolloutContainerRemoved':
        if (known(event.task, event.containerId)) commands.push({ type: 'RecordContainerRemoved', data: ref(event.task, event.containerId), metadata });
        break;
      case 'ReplacedContainersRemoved':
        for (const containerId of event.containerIds) {
          if (known(event.task, containerId)) commands.push({ type: 'RecordContainerRemoved', data: ref(event.task, containerId), metadata });
        }
        break;
      case 'LeftoverContainersRemoved':
        for (const { task, host, containerId } of event.containers) {
          const container = known(task, containerId);
          if (!container) continue;
          const data = { job: rollout.job, task, host, containerId };
          if (container.state === 'running') commands.push({ type: 'RecordContainerStopped', data, metadata });
          commands.push({ type: 'RecordContainerRemoved', data, metadata });
        }
        break;
      default:
        break;
    }
  }
  return commands;
}

/**
 * The job-stream end mark of a rollout that never began: its start was cut off between the job's
 * mark and the rollout's first event, so there is nothing to end but the mark.
 */
export function neverStartedCommand(job: string, rolloutId: string, metadata: CommandMetadata): EndRollout {
  return { type: 'EndRollout', data: { job, rolloutId, status: 'never-started' }, metadata };
}

/** Health gate cadence when the job's check has no interval of its own (`none`). */
const DEFAULT_PROBE_INTERVAL: Millis = 1000;

/** How a rollout checks a job's tasks: its health check's interval, and its retries before a watched task fails. */
export function rolloutProbe(health: HealthCheck): { readonly probeInterval: Millis; readonly probeRetries?: number } {
  return health.type === 'none' ? { probeInterval: DEFAULT_PROBE_INTERVAL } : { probeInterval: health.interval, probeRetries: health.retries };
}
