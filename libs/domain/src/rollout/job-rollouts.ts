/**
 * What a rollout means for its job's stream (`cj.<env>.job.<name>`): the revision the job is left
 * on when the rollout ends, the revision a rollback returns to, and the container facts a
 * rollout's outcomes add to the job's record of what runs where.
 */
import { sameTaskContainer } from '../diff/change-kind';
import type { EndRollout, JobCommand } from '../job/commands';
import type { CommandMetadata } from '../command-metadata';
import type { JobState, ObservedContainer } from '../job/state';
import type { RolloutEvent } from './events';
import type { ActiveRollout } from './state';
import type { HealthCheck, Millis } from '@cj/api';

/**
 * The job-stream end mark of a finished rollout: the revision the whole job runs now, whatever
 * the rollout's status (a failed, rolled-back or aborted rollout leaves the job where its tasks
 * are); when the tasks run different revisions, which runs where (the job is mixed).
 */
export function endRolloutCommand(rollout: ActiveRollout, job: JobState, metadata: CommandMetadata): EndRollout {
  const taskRevisions = revisionsAtEnd(rollout, job);
  const revisions = new Set(Object.values(taskRevisions));
  const [only] = [...revisions];
  const revision = revisions.size === 1 && only !== null ? only : undefined;
  return {
    type: 'EndRollout',
    data: {
      job: rollout.job,
      rolloutId: rollout.id,
      status: rollout.status,
      ...(revision !== undefined ? { revision } : revisions.size > 1 && { taskRevisions }),
    },
    metadata,
  };
}

/**
 * The revision each task runs when its rollout ends, by what the rollout did to it: untouched and
 * reverted tasks run the old revision, updated ones the new. A task whose pass broke off (failed,
 * stuck, or cut off mid-pass by an abort) runs what the job's record says its running container
 * is, or nothing.
 */
export function revisionsAtEnd(rollout: ActiveRollout, job: JobState): Record<number, number | null> {
  const revisions: Record<number, number | null> = {};
  for (const task of rollout.tasks) {
    switch (task.phase) {
      case 'pending':
      case 'reverted':
        revisions[task.task] = rollout.fromRevision ?? recorded(job, task.task, []);
        break;
      case 'updated':
        revisions[task.task] = rollout.toRevision;
        break;
      default:
        revisions[task.task] = recorded(job, task.task, [
          rollout.toRevision,
          ...(rollout.fromRevision !== undefined ? [rollout.fromRevision] : []),
        ]);
    }
  }
  return revisions;
}

/**
 * The revision the task's running container runs by the job's record; null when none runs, or
 * several do. A container counts as running the first of `preferred` that makes the same
 * container as the revision it was made by (they differ only in what cj reads), else that one.
 */
function recorded(job: JobState, task: number, preferred: readonly number[]): number | null {
  const running = new Set(
    (job.tasks[task]?.containers ?? [])
      .filter((c) => c.state === 'running')
      .map((c) => runsAs(job, task, c.revision, preferred)),
  );
  return running.size === 1 ? [...running][0] : null;
}

/**
 * The revision every task of the job runs now, when they all run the same one; undefined when
 * none runs or they differ. A container made by an earlier revision that makes the same container
 * as the current one (a revision that changed only policy landed in place) runs the current one.
 */
export function runningRevision(state: JobState): number | undefined {
  const current = state.currentRevision !== undefined ? [state.currentRevision] : [];
  const revisions = new Set(
    Object.entries(state.tasks).flatMap(([task, observed]) =>
      observed.containers
        .filter((c) => c.state === 'running')
        .map((c) => runsAs(state, Number(task), c.revision, current)),
    ),
  );
  return revisions.size === 1 ? [...revisions][0] : undefined;
}

/** The first of `preferred` whose container for `task` is the one `made` makes; else `made`. */
function runsAs(state: JobState, task: number, made: number, preferred: readonly number[]): number {
  const spec = state.revisions[made];
  if (!spec) return made;
  return (
    preferred.find(
      (revision) =>
        revision === made ||
        (state.revisions[revision] !== undefined && sameTaskContainer(spec, state.revisions[revision], task)),
    ) ?? made
  );
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
export function containerFacts(
  rollout: ActiveRollout,
  outcome: readonly RolloutEvent[],
  job: JobState,
  metadata: CommandMetadata,
): JobCommand[] {
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
        const revision =
          event.data.role === 'new'
            ? rollout.toRevision
            : (known(event.data.task, event.data.containerId)?.revision ?? rollout.fromRevision);
        if (revision === undefined || known(event.data.task, event.data.containerId)?.state === 'running') break;
        commands.push({
          type: 'RecordContainerStarted',
          data: { ...ref(event.data.task, event.data.containerId), revision, rolloutId: rollout.id },
          metadata,
        });
        break;
      }
      case 'RolloutContainerStopped':
        if (event.data.containerId !== null && known(event.data.task, event.data.containerId)?.state === 'running') {
          commands.push({
            type: 'RecordContainerStopped',
            data: ref(event.data.task, event.data.containerId),
            metadata,
          });
        }
        break;
      case 'RolloutContainerRemoved':
        if (known(event.data.task, event.data.containerId))
          commands.push({
            type: 'RecordContainerRemoved',
            data: ref(event.data.task, event.data.containerId),
            metadata,
          });
        break;
      case 'ReplacedContainersRemoved':
        for (const containerId of event.data.containerIds) {
          if (known(event.data.task, containerId))
            commands.push({ type: 'RecordContainerRemoved', data: ref(event.data.task, containerId), metadata });
        }
        break;
      case 'LeftoverContainersRemoved':
        for (const { task, host, containerId } of event.data.containers) {
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
  return health.type === 'none'
    ? { probeInterval: DEFAULT_PROBE_INTERVAL }
    : { probeInterval: health.interval, probeRetries: health.retries };
}
