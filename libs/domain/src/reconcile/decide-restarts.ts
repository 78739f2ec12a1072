import { isLive } from '../container/container-liveness';
import type { TaskRestartCause } from '../job/events';
import { reconcilePolicy } from '../jobs-file/model';
import type { ContainerInfo } from '../ports/container-runtime';
import type { ReconcileState } from './reconcile-state';
import { restartDelay } from './restart-backoff';

/** Engine states a container can be started from again. */
const STARTABLE = new Set(['exited', 'created']);

/** One look at a job for reconcile: its stream beside what the engines list now. */
export interface ReconcileLook {
  readonly state: ReconcileState;
  /** The job's containers on the hosts that answered, as their engines list them now. */
  readonly containers: readonly ContainerInfo[];
  /** The hosts whose engines answered: a task on another is left alone, as nothing is known of it. */
  readonly answered: ReadonlySet<string>;
  /** ISO 8601 instant. */
  readonly now: string;
}

/** A restart to make: start the task's exited container again (`start`), or create one of `revision` on `host`. */
export interface TaskRestart {
  readonly job: string;
  readonly task: number;
  readonly host: string;
  readonly revision: number;
  readonly cause: TaskRestartCause;
  readonly reason: string;
  readonly attempt: number;
  /** The container to start again; absent: create a new one. */
  readonly start?: string;
}

/**
 * The reconcile rule: which tasks of a job to restart now. A task is restarted when the job is
 * active, not stopped by `cj down`, not in a rollout, with `reconcile: restart`; the task is in
 * the job's current placement and meant to run; the log says none of its containers runs and the
 * engine agrees (nothing of it running, restarting or paused; the engine's own restart policy
 * goes first); and its backoff has passed: `restartDelay(attempt)` after it went down or after
 * the last attempt, whichever is later. What the log does not know yet (an exit the engine shows
 * but no event records) waits for observation to record it.
 */
export function decideRestarts(look: ReconcileLook): TaskRestart[] {
  const { job } = look.state;
  const { name, currentRevision } = job;
  if (job.status !== 'active' || currentRevision === undefined || name === undefined) return [];
  if (job.activeRolloutId !== undefined || job.stopped) return [];
  const spec = job.revisions[currentRevision];
  if (reconcilePolicy(spec) !== 'restart') return [];
  const now = Date.parse(look.now);

  return spec.tasks.flatMap((placed): TaskRestart[] => {
    const life = look.state.tasks[placed.index];
    if (!life?.meantToRun || life.downSince === undefined) return [];
    if ((job.tasks[placed.index]?.containers ?? []).some((c) => c.state === 'running')) return [];
    const last = life.lastContainer;
    if (!look.answered.has(placed.host) || (last && !look.answered.has(last.host))) return [];
    const listed = look.containers.filter((c) => c.job === name && c.task === placed.index);
    // A live container, or one on its way out, is there: nothing to restart.
    if (listed.some((c) => isLive(c.state) || c.state === 'removing')) return [];

    const attempt = life.attempts + 1;
    const from = Math.max(
      Date.parse(life.downSince),
      life.lastAttemptAt === undefined ? 0 : Date.parse(life.lastAttemptAt),
    );
    if (now < from + restartDelay(attempt)) return [];

    const revision = job.mixed?.[placed.index] ?? currentRevision;
    const exited = last && listed.find((c) => c.id === last.containerId);
    const base = { job: name, task: placed.index, revision, attempt } as const;
    if (exited) {
      const reason = `container ${exited.id.slice(0, 12)} ${exited.state === 'created' ? 'never started' : `exited${exited.exitCode !== undefined ? ` with code ${exited.exitCode}` : ''}`}`;
      // The exited container is started again when it is of the revision the task runs, as Docker's restart would.
      const again = STARTABLE.has(exited.state) && exited.revision === revision;
      return [
        {
          ...base,
          host: again ? exited.host : placed.host,
          cause: 'exited',
          reason,
          ...(again && { start: exited.id }),
        },
      ];
    }
    const reason = last
      ? `container ${last.containerId.slice(0, 12)} is gone from host ${last.host}`
      : `task has no container on host ${placed.host}`;
    return [{ ...base, host: placed.host, cause: 'removed', reason }];
  });
}
