import type { JobEvent } from '../job/events';
import { evolveJob, initialJobState, taskOf, type JobState } from '../job/state';
import { RESTART_BACKOFF } from './restart-backoff';

/**
 * What reconcile knows of one task from the job's stream: whether it is meant to run, since when
 * it has been up or down (the events' times), and the restarts since it last stayed up.
 */
export interface TaskLife {
  /**
   * A container of the task started (by `cj up`, a rollout, the engine) and nothing cj did since
   * means it to stop: no `cj down` (JobStopped), no stop of its last running container outside a
   * rollout, no removal of the job.
   */
  readonly meantToRun: boolean;
  /** When the task last came up (a container started while none ran). */
  readonly upSince?: string;
  /** When the task last went down (its last running container exited, stopped or vanished). */
  readonly downSince?: string;
  /** Restart attempts (TaskRestarted, TaskRestartFailed) since the task last stayed up long enough. */
  readonly attempts: number;
  /** When the last of those attempts was made. */
  readonly lastAttemptAt?: string;
  /** The last container the task had, even once it is removed: what a reason names. */
  readonly lastContainer?: { readonly containerId: string; readonly host: string; readonly revision: number };
}

/** The job as its stream says (the decider's state), with each task's life beside it. */
export interface ReconcileState {
  readonly job: JobState;
  readonly tasks: Readonly<Record<number, TaskLife>>;
}

const NO_LIFE: TaskLife = { meantToRun: false, attempts: 0 };

export function initialReconcileState(): ReconcileState {
  return { job: initialJobState(), tasks: {} };
}

const runs = (job: JobState, task: number) => taskOf(job, task).containers.some((c) => c.state === 'running');

/** Folds one event of the job's stream. Times are the events' own (`occurredAt`); no clock is read. */
export function evolveReconcile(state: ReconcileState, event: JobEvent): ReconcileState {
  const before = state.job;
  const job = evolveJob(before, event);
  const at = event.metadata.occurredAt;
  const life = (task: number) => state.tasks[task] ?? NO_LIFE;
  const withLife = (task: number, next: TaskLife): ReconcileState => ({ job, tasks: { ...state.tasks, [task]: next } });
  /** The task's running containers after the event, against before: up, down, or neither. */
  const moved = (task: number, current: TaskLife): TaskLife => {
    const [was, is] = [runs(before, task), runs(job, task)];
    if (!was && is) return { ...current, upSince: at };
    if (was && !is) {
      // It stayed up long enough: whatever failed before is forgotten, the next restart is the first.
      const stayed =
        current.upSince !== undefined && Date.parse(at) - Date.parse(current.upSince) >= RESTART_BACKOFF.stableMs;
      return { ...current, downSince: at, ...(stayed && { attempts: 0, lastAttemptAt: undefined }) };
    }
    return current;
  };

  switch (event.type) {
    case 'ContainerStarted': {
      const { task, containerId, host, revision } = event.data;
      return withLife(
        task,
        moved(task, { ...life(task), meantToRun: true, lastContainer: { containerId, host, revision } }),
      );
    }
    case 'ContainerRestarted':
      return withLife(event.data.task, moved(event.data.task, { ...life(event.data.task), meantToRun: true }));
    case 'ContainerStopped': {
      const { task } = event.data;
      const next = moved(task, life(task));
      // cj stopped the task's last running container, and no rollout will start another: it is meant to stop.
      const stopped = before.activeRolloutId === undefined && !runs(job, task);
      return withLife(task, stopped ? { ...next, meantToRun: false } : next);
    }
    case 'ContainerExited':
    case 'ContainerRemoved':
      return withLife(event.data.task, moved(event.data.task, life(event.data.task)));
    case 'TaskRestarted':
    case 'TaskRestartFailed':
      return withLife(event.data.task, { ...life(event.data.task), attempts: event.data.attempt, lastAttemptAt: at });
    case 'JobStopped':
    case 'JobRemoved':
      return {
        job,
        tasks: Object.fromEntries(
          Object.entries(state.tasks).map(([task, current]) => [
            task,
            { ...current, meantToRun: false, attempts: 0, lastAttemptAt: undefined },
          ]),
        ),
      };
    default:
      return { ...state, job };
  }
}

export function foldReconcile(events: readonly JobEvent[]): ReconcileState {
  return events.reduce(evolveReconcile, initialReconcileState());
}
