import type { FieldChange } from '../diff/field-change';
import type { EventOf } from '../events/metadata';
import type { JobSpec, UpdatePolicy } from '@cj/api';

/** Stream `cj.<env>.job.<name>`: a job's revisions and what its tasks' containers did. */

/** The first revision of a job (or the first after it was removed). */
export type JobRegistered = EventOf<'JobRegistered', { job: string; revision: number; spec: JobSpec }>;

/**
 * The spec changed: a new immutable revision, with the image digest as resolved at the time.
 * `inPlace` when only what cj reads changed (update policy, health check: see `changeKind`): the
 * revision took effect as it was recorded, on the containers that run, and no container is made
 * for it; a container made by the revision before stands for this one. Absent otherwise, and on
 * revisions recorded before cj told the two apart.
 */
export type JobRevisionCreated = EventOf<
  'JobRevisionCreated',
  { job: string; revision: number; spec: JobSpec; changes: readonly FieldChange[]; inPlace?: true }
>;

export type JobRemoved = EventOf<'JobRemoved', { job: string; lastRevision: number }>;

/**
 * `cj down`: the job's tasks are meant to be stopped. Reconcile restarts none of them until a
 * container of the job starts again (`cj up`, a rollout).
 */
export type JobStopped = EventOf<'JobStopped', { job: string }>;

interface ContainerRef {
  job: string;
  task: number;
  host: string;
  containerId: string;
}

export type ContainerStarted = EventOf<'ContainerStarted', ContainerRef & { revision: number; rolloutId?: string }>;
export type ContainerStopped = EventOf<'ContainerStopped', ContainerRef>;
/**
 * The container ended on its own (crash, OOM, exit), not because cj stopped it. `exitedAt` is the
 * engine's own time of death; `logTail` its last output lines (bounded), so the evidence outlives
 * the container. Both are absent on events recorded before cj watched the engines' event streams.
 */
export type ContainerExited = EventOf<
  'ContainerExited',
  ContainerRef & { exitCode: number; oomKilled: boolean; exitedAt?: string; logTail?: readonly string[] }
>;
/**
 * The engine started the container again by its restart policy: `count` is the engine's restart
 * count (each restart is recorded once; the exit before it is its own ContainerExited).
 */
export type ContainerRestarted = EventOf<'ContainerRestarted', ContainerRef & { count: number; startedAt?: string }>;
export type ContainerRemoved = EventOf<'ContainerRemoved', ContainerRef>;

/** What reconcile found of a task meant to run: its container exited, or it is gone from the host. */
export type TaskRestartCause = 'exited' | 'removed';

/**
 * Reconcile started a task meant to run that had no running container (the job's `reconcile:
 * restart`): `containerId` is the container it started, the exited one again or a new one of
 * `revision` in place of one that is gone. `attempt` counts the restarts since the task last
 * stayed up (1 after that); `reason` says what cj found. The ContainerStarted follows in the same
 * append.
 */
export type TaskRestarted = EventOf<
  'TaskRestarted',
  ContainerRef & { revision: number; cause: TaskRestartCause; reason: string; attempt: number }
>;

/** The engine refused reconcile's restart of a task (`error`, as it answered): the next attempt waits longer. */
export type TaskRestartFailed = EventOf<
  'TaskRestartFailed',
  {
    job: string;
    task: number;
    host: string;
    revision: number;
    cause: TaskRestartCause;
    reason: string;
    attempt: number;
    error: string;
  }
>;

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy' | 'unknown';

/** Each check made while a rollout gates on the task; outside rollouts only transitions are kept. */
export type HealthCheckPassed = EventOf<'HealthCheckPassed', ContainerRef & { rolloutId: string; detail?: string }>;
export type HealthCheckFailed = EventOf<'HealthCheckFailed', ContainerRef & { rolloutId: string; detail: string }>;

/** Version 2: `from`/`to` replaced version 1's `healthy: boolean` (see `upcast`). */
export type TaskHealthChanged = EventOf<
  'TaskHealthChanged',
  ContainerRef & { from: HealthStatus; to: HealthStatus; detail?: string },
  2
>;

/**
 * A rollout of the job began. Appended at the job stream's expected revision, so only one rollout
 * of a job is ever active; the rollout's own steps are in `cj.<env>.rollout.<id>`.
 */
export type JobRolloutStarted = EventOf<'JobRolloutStarted', RolloutStart>;

/**
 * Everything a rollout's first event is made from, besides the job's spec at `toRevision`: the
 * rollout's start lives on the job stream (appended with the revision it rolls out, in one
 * append), and the rollout's own stream is begun from it, again after a crash.
 */
export interface RolloutStart {
  job: string;
  rolloutId: string;
  fromRevision?: number;
  toRevision: number;
  /** Policy fields the operator set for this rollout only. */
  overrides?: Partial<UpdatePolicy>;
  rollbackOf?: { readonly revision: number };
}
/**
 * The rollout ended (`status` is its final status). `revision` is the one every task runs now,
 * when the rollout left the job on one: it becomes the job's current revision (a rollback, or a
 * rollout that failed, rolled back or was aborted, returns the job to the one its tasks run).
 * When the tasks run different revisions, `taskRevisions` says which runs where: the job is mixed.
 */
export type JobRolloutEnded = EventOf<
  'JobRolloutEnded',
  { job: string; rolloutId: string; status: string; revision?: number; taskRevisions?: TaskRevisions }
>;

/**
 * The revision each task runs (by task index) when the tasks of a job do not all run one: null
 * for a task left with no running container.
 */
export type TaskRevisions = Readonly<Record<number, number | null>>;
export type JobEvent =
  | JobRegistered
  | JobRevisionCreated
  | JobRemoved
  | ContainerStarted
  | ContainerStopped
  | ContainerExited
  | ContainerRestarted
  | ContainerRemoved
  | JobStopped
  | TaskRestarted
  | TaskRestartFailed
  | HealthCheckPassed
  | HealthCheckFailed
  | TaskHealthChanged
  | JobRolloutStarted
  | JobRolloutEnded;
