import type { HealthStatus, JobEvent, RolloutStart, TaskRevisions } from './events';
import { unreachable } from '../unreachable';
import type { JobSpec } from '@cj/api';

export type ObservedContainerState = 'running' | 'stopped' | 'exited';

export interface ObservedContainer {
  readonly containerId: string;
  readonly host: string;
  readonly revision: number;
  readonly state: ObservedContainerState;
  readonly exitCode?: number;
  /** The engine's restart count as last recorded (ContainerRestarted); 0 until the engine restarts it. */
  readonly restartCount?: number;
}

/** What the job's stream says about one task: its containers (two during a start-first swap). */
export interface ObservedTask {
  readonly containers: readonly ObservedContainer[];
  readonly health: HealthStatus;
}

export interface JobState {
  readonly status: 'absent' | 'active' | 'removed';
  readonly name?: string;
  /** Every revision ever recorded, by number; numbers are never reused. */
  readonly revisions: Readonly<Record<number, JobSpec>>;
  readonly currentRevision?: number;
  /** Highest revision recorded, 0 before the first. */
  readonly lastRevision: number;
  /** The rollout in progress, from the job stream's rollout marks; at most one per job. */
  readonly activeRolloutId?: string;
  /** The active rollout's start as the job stream recorded it: what its own stream is begun from. */
  readonly activeRollout?: RolloutStart;
  /**
   * Set when the last rollout ended with the tasks on different revisions: which runs where. The
   * current revision is then the one the job was asked to run, not one every task runs.
   */
  readonly mixed?: TaskRevisions;
  /**
   * Revisions every task of the job ran at once (when a rollout began or ended), oldest first,
   * each once: where a rollback may return to.
   */
  readonly goodRevisions: readonly number[];
  readonly tasks: Readonly<Record<number, ObservedTask>>;
  /** Set by `cj down` (JobStopped) until a container of the job starts again: reconcile leaves it alone. */
  readonly stopped?: true;
}

export function initialJobState(): JobState {
  return { status: 'absent', revisions: {}, lastRevision: 0, tasks: {}, goodRevisions: [] };
}

export function evolveJob(state: JobState, event: JobEvent): JobState {
  switch (event.type) {
    case 'JobRegistered':
    case 'JobRevisionCreated': {
      const { job, revision, spec } = event.data;
      const recorded: JobState = {
        ...state,
        status: 'active',
        name: job,
        revisions: { ...state.revisions, [revision]: spec },
        currentRevision: revision,
        lastRevision: revision,
      };
      if (event.type !== 'JobRevisionCreated' || !event.data.inPlace || !runsCurrent(state)) return recorded;
      // As a rollout from the current revision that landed: both ran on every task.
      return {
        ...recorded,
        goodRevisions: good({ ...state, goodRevisions: good(state, state.currentRevision as number) }, revision),
      };
    }
    case 'JobRemoved':
      return { ...state, status: 'removed', currentRevision: undefined };
    case 'JobStopped':
      return { ...state, stopped: true };
    case 'TaskRestarted':
    case 'TaskRestartFailed':
      return state;
    case 'ContainerStarted': {
      const { task, host, containerId, revision } = event.data;
      const { stopped: _up, ...running } = state;
      return withTask(running, task, (observed) => ({
        health: 'starting',
        containers: [
          ...observed.containers.filter((c) => c.containerId !== containerId),
          { containerId, host, revision, state: 'running' },
        ],
      }));
    }
    case 'ContainerStopped':
      return withContainer(state, event.data.task, event.data.containerId, (c) => ({ ...c, state: 'stopped' }));
    case 'ContainerExited':
      return withContainer(state, event.data.task, event.data.containerId, (c) => ({
        ...c,
        state: 'exited',
        exitCode: event.data.exitCode,
      }));
    case 'ContainerRestarted':
      return withTask(state, event.data.task, (observed) => ({
        health: 'starting',
        containers: observed.containers.map((c) =>
          c.containerId === event.data.containerId
            ? { ...c, state: 'running', exitCode: undefined, restartCount: event.data.count }
            : c,
        ),
      }));
    case 'ContainerRemoved':
      return withTask(state, event.data.task, (observed) => ({
        ...observed,
        containers: observed.containers.filter((c) => c.containerId !== event.data.containerId),
      }));
    case 'TaskHealthChanged':
      return withTask(state, event.data.task, (observed) => ({ ...observed, health: event.data.to }));
    case 'HealthCheckPassed':
    case 'HealthCheckFailed':
      return state;
    case 'JobRolloutStarted': {
      const { rolloutId, fromRevision } = event.data;
      return {
        ...state,
        activeRolloutId: rolloutId,
        activeRollout: event.data,
        goodRevisions:
          fromRevision === undefined || state.mixed !== undefined ? state.goodRevisions : good(state, fromRevision),
      };
    }
    case 'JobRolloutEnded': {
      const { rolloutId, revision, taskRevisions } = event.data;
      if (state.activeRolloutId !== rolloutId) return state;
      const landed = revision !== undefined && state.revisions[revision] !== undefined && state.status === 'active';
      const { activeRollout: _ended, mixed: _before, ...rest } = state;
      return {
        ...rest,
        activeRolloutId: undefined,
        ...(landed && { currentRevision: revision, goodRevisions: good(state, revision) }),
        ...(!landed && taskRevisions !== undefined && { mixed: taskRevisions }),
      };
    }
    default:
      return unreachable(event);
  }
}

/** The job's tasks run its current revision: some run, no rollout moves them, and the last one left them on one revision. */
function runsCurrent(state: JobState): boolean {
  return (
    hasRunningContainer(state) &&
    state.currentRevision !== undefined &&
    state.activeRolloutId === undefined &&
    state.mixed === undefined
  );
}

/** As recorded in the job's stream, some task of the job has a running container. */
export function hasRunningContainer(state: JobState): boolean {
  return Object.values(state.tasks).some((task) => task.containers.some((container) => container.state === 'running'));
}

/** Moves `revision` to the newest end of the good revisions. */
function good(state: JobState, revision: number): readonly number[] {
  return [...state.goodRevisions.filter((r) => r !== revision), revision];
}

export function taskOf(state: JobState, task: number): ObservedTask {
  return state.tasks[task] ?? { containers: [], health: 'unknown' };
}

function withTask(state: JobState, task: number, change: (observed: ObservedTask) => ObservedTask): JobState {
  return { ...state, tasks: { ...state.tasks, [task]: change(taskOf(state, task)) } };
}

function withContainer(
  state: JobState,
  task: number,
  containerId: string,
  change: (c: ObservedContainer) => ObservedContainer,
): JobState {
  return withTask(state, task, (observed) => ({
    ...observed,
    containers: observed.containers.map((c) => (c.containerId === containerId ? change(c) : c)),
  }));
}
