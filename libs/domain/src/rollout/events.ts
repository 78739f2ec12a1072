/**
 * The events of a rollout's own stream (`cj.<env>.rollout.<id>`). The stream is the rollout's
 * whole state: every side effect appears twice, as an intent (`…Requested`) recorded before it is
 * performed and as an outcome recorded after, so a runner that crashed in between knows exactly
 * which step to reconcile. Every event carries the time it describes (`at`, epoch milliseconds)
 * because deadlines and the min-healthy-time gate are computed from it.
 */
import { CURRENT_SCHEMA_VERSION } from '../events/domain-event';
import type { ContainerBaseline } from './container-fault';
import type { RevisionChange } from './revision-change';
import type { Millis, UpdatePolicy } from '@cj/api';

/** One task of the job as the rollout moves it: its index, its host and its (host network) port. */
export interface RolloutTask {
  readonly task: number;
  readonly host: string;
  readonly port: number;
}

/**
 * Which of a task's two containers a step acts on: the one of the revision being replaced (`old`)
 * or the one of the revision being rolled out (`new`).
 */
export type ContainerRole = 'old' | 'new';

interface Base<T extends string> {
  readonly type: T;
  readonly schemaVersion: 1;
  readonly at: Millis;
}

interface TaskBase<T extends string> extends Base<T> {
  readonly task: number;
}

/** What a rollout is, from its start to its end: the start command, its event and its state share it. */
export interface RolloutIdentity extends RevisionChange {
  readonly id: string;
  readonly policy: UpdatePolicy;
  /** How often the health gate checks a task. */
  readonly probeInterval: Millis;
  /**
   * How many failed checks of the job's health check in a row fail a watched task (the job's own
   * `retries`); absent in streams written before it was recorded, and for jobs without a check: 3.
   */
  readonly probeRetries?: number;
  /** Set when this rollout returns the job to an earlier revision at an operator's request. */
  readonly rollbackOf?: { readonly revision: number };
}

export interface RolloutStarted extends Base<'RolloutStarted'>, RolloutIdentity {
  readonly tasks: readonly RolloutTask[];
  /** Task indices, batch by batch, in the order they are updated. */
  readonly batches: readonly (readonly number[])[];
}

export interface RolloutLeaseAcquired extends Base<'RolloutLeaseAcquired'> {
  /** The orchestrator instance that drives the rollout until `until`. */
  readonly owner: string;
  readonly until: Millis;
}

/**
 * The pull phase, before the first batch: the target image is pulled (by digest) on every host that
 * runs one of the rollout's tasks before any container is touched, so no task is down while its
 * host downloads. One intent and one outcome per host, like every other side effect.
 */
export interface ImagePullRequested extends Base<'ImagePullRequested'> {
  readonly host: string;
  readonly revision: number;
}
export interface ImagePulled extends Base<'ImagePulled'> {
  readonly host: string;
  /** The registry digest the host now has the image by. */
  readonly digest: string;
  /** What the host downloaded: 0 when it had every layer already; absent when the engine did not say. */
  readonly bytes?: number;
  /** How long the pull took on that host. */
  readonly ms: Millis;
}
export interface ImagePullFailed extends Base<'ImagePullFailed'> {
  readonly host: string;
  /** What the host's engine (and through it the registry) answered. */
  readonly reason: string;
}

export interface TaskUpdateStarted extends TaskBase<'TaskUpdateStarted'> {
  /** `forward` moves the task to the new revision, `revert` restores the old one. */
  readonly direction: 'forward' | 'revert';
}

export interface ContainerStopRequested extends TaskBase<'ContainerStopRequested'> {
  readonly role: ContainerRole;
  readonly revision?: number;
}
export interface RolloutContainerStopped extends TaskBase<'RolloutContainerStopped'> {
  readonly role: ContainerRole;
  /** The container stopped; null when the task had none running (nothing to stop). */
  readonly containerId: string | null;
}

export interface ContainerRemoveRequested extends TaskBase<'ContainerRemoveRequested'> {
  readonly role: ContainerRole;
  readonly containerId: string;
}
export interface RolloutContainerRemoved extends TaskBase<'RolloutContainerRemoved'> {
  readonly role: ContainerRole;
  readonly containerId: string;
}

export interface ContainerCreateRequested extends TaskBase<'ContainerCreateRequested'> {
  readonly role: ContainerRole;
  readonly revision: number;
  /** Deterministic container name: a runner that crashed looks for it before creating again. */
  readonly name: string;
}
export interface RolloutContainerCreated extends TaskBase<'RolloutContainerCreated'> {
  readonly role: ContainerRole;
  readonly containerId: string;
}

/**
 * The outcome of starting a task's kept old container in a revert pass when it no longer exists
 * (removed outside cj): the pass creates it again from the old revision, pulling its image.
 */
export interface RolloutContainerMissing extends TaskBase<'RolloutContainerMissing'> {
  readonly role: ContainerRole;
  readonly containerId: string;
}

/**
 * A container step (stop, remove, create, start) whose call the host's engine did not answer. With
 * `maybeDone` the call reached the engine, or may have (it timed out, or its connection dropped;
 * or it was the reconcile of a step an earlier call may have done): the engine may have carried
 * it out, or may still when it resumes. Without, the engine could not be reached and nothing was
 * done. Not a failure and not an outcome: the intent stays open, and before the task's next step
 * the runner asks the engine (containers are labelled) what happened and does only what is missing.
 */
export interface ContainerStepUnanswered extends TaskBase<'ContainerStepUnanswered'> {
  readonly role: ContainerRole;
  /** The step and what the engine's client said: `removing container 3f2a… of task 1 on host h2 failed: host h2: …`. */
  readonly reason: string;
  readonly maybeDone: boolean;
}

export interface ContainerStartRequested extends TaskBase<'ContainerStartRequested'> {
  readonly role: ContainerRole;
  readonly containerId: string;
}
export interface RolloutContainerStarted extends TaskBase<'RolloutContainerStarted'> {
  readonly role: ContainerRole;
  readonly containerId: string;
  /**
   * The engine's restart count and start time right after the start: a later check that sees
   * them changed knows the container crashed and was restarted. Absent in older streams.
   */
  readonly restartCount?: ContainerBaseline['restartCount'];
  readonly startedAt?: ContainerBaseline['startedAt'];
}

/**
 * One check of a task's container: in its health gate, or, once the task is updated, in the
 * rollout's monitor window.
 */
export interface RolloutHealthCheckPassed extends TaskBase<'RolloutHealthCheckPassed'> {
  readonly containerId: string;
}
export interface RolloutHealthCheckFailed extends TaskBase<'RolloutHealthCheckFailed'> {
  readonly containerId: string;
  /** What the check saw: `GET /health → 404`, `connection refused`, `container exited (exit code 3)`. */
  readonly detail: string;
  /**
   * The container itself is lost (not running, restarted, or unhealthy by Docker's HEALTHCHECK):
   * the task fails at once instead of at the healthy deadline.
   */
  readonly fatal?: true;
}

/**
 * A task that already passed its gate, checked again at a batch boundary (its container still
 * runs, was not restarted, is not unhealthy). A check that did not pass makes it a failed task.
 */
export interface UpdatedTaskChecked extends TaskBase<'UpdatedTaskChecked'> {
  readonly containerId: string;
  /** The batch whose completion the check belongs to. */
  readonly batch: number;
  readonly passed: boolean;
  /** `running` or what is wrong: `container exited (exit code 3)`. */
  readonly detail: string;
}

export interface TaskUpdated extends TaskBase<'TaskUpdated'> {
  readonly revision: number;
  readonly containerId: string;
  /**
   * How long the task served nothing: from its old container's stop to its new container's first
   * passing check (0 when the old one ran until the new one passed, start-first). Absent when the
   * task had no old container, and in streams written before it was recorded.
   */
  readonly downtimeMs?: Millis;
}
export interface TaskUpdateFailed extends TaskBase<'TaskUpdateFailed'> {
  readonly reason: string;
}
export interface TaskRolledBack extends TaskBase<'TaskRolledBack'> {
  /** The revision the task runs again; absent when the job had none (the task is left stopped). */
  readonly revision?: number;
  readonly containerId: string | null;
}
export interface ReplacedContainersRemoved extends TaskBase<'ReplacedContainersRemoved'> {
  readonly containerIds: readonly string[];
  /** Set when the task's host could not be cleaned up; the rollout still succeeds. */
  readonly error?: string;
}

/** A container of the job found where the rollout's placement has no place for it. */
export interface LeftoverContainer {
  readonly task: number;
  readonly host: string;
  readonly containerId: string;
}

/** A host whose leftovers could not be removed (it did not answer): they stay, and the rollout still succeeds. */
export interface LeftoverCleanupFailure {
  readonly host: string;
  readonly reason: string;
}

/**
 * The rollout's last step before it succeeds: containers of the job that its placement has no
 * place for (tasks it dropped, or on a host other than their task's) were stopped and removed.
 */
export interface LeftoverContainersRemoved extends Base<'LeftoverContainersRemoved'> {
  readonly containers: readonly LeftoverContainer[];
  readonly failures?: readonly LeftoverCleanupFailure[];
}

/**
 * The last batch passed its gate and its boundary check: every updated task is now checked at the
 * probe interval until `until` (the policy's monitor window) before the last batch completes.
 */
export interface RolloutMonitoringStarted extends Base<'RolloutMonitoringStarted'> {
  readonly until: Millis;
}

/**
 * The store refused the rollout's writes from `from` until `to` (a full disk, a lost connection):
 * the rollout waited, and did nothing it could not record. Its clocks stop for that long: the
 * healthy deadline, the min healthy time's run of passing checks, the monitor window, the delay
 * between batches and the progress deadline count only time the store took writes. The outage is
 * a fact of the stream, so a replay reaches the same decisions as the runner that waited.
 */
export interface RolloutWaitedOnStore extends Base<'RolloutWaitedOnStore'> {
  readonly from: Millis;
  readonly to: Millis;
  /** What the store answered when it refused the first write. */
  readonly reason: string;
}

export interface BatchCompleted extends Base<'BatchCompleted'> {
  readonly batch: number;
}

export interface RolloutPaused extends Base<'RolloutPaused'> {
  readonly reason: string;
}
export interface RolloutResumed extends Base<'RolloutResumed'> {
  readonly reason?: string;
}
export interface RolloutAbortRequested extends Base<'RolloutAbortRequested'> {
  readonly reason: string;
}
export interface RolloutAborted extends Base<'RolloutAborted'> {
  readonly reason: string;
}
export interface RolloutRollbackStarted extends Base<'RolloutRollbackStarted'> {
  readonly reason: string;
}
export interface RolloutSucceeded extends Base<'RolloutSucceeded'> {
  /** Tasks that failed within the allowed failure ratio and were restored to the old revision. */
  readonly failedTasks: readonly number[];
}
export interface RolloutRolledBack extends Base<'RolloutRolledBack'> {
  readonly reason: string;
}
export interface RolloutFailed extends Base<'RolloutFailed'> {
  readonly reason: string;
}

export type RolloutEvent =
  | RolloutStarted
  | RolloutLeaseAcquired
  | ImagePullRequested
  | ImagePulled
  | ImagePullFailed
  | TaskUpdateStarted
  | ContainerStopRequested
  | RolloutContainerStopped
  | ContainerRemoveRequested
  | RolloutContainerRemoved
  | ContainerCreateRequested
  | RolloutContainerCreated
  | ContainerStartRequested
  | RolloutContainerMissing
  | ContainerStepUnanswered
  | RolloutContainerStarted
  | RolloutHealthCheckPassed
  | RolloutHealthCheckFailed
  | UpdatedTaskChecked
  | TaskUpdated
  | TaskUpdateFailed
  | TaskRolledBack
  | ReplacedContainersRemoved
  | LeftoverContainersRemoved
  | RolloutMonitoringStarted
  | RolloutWaitedOnStore
  | BatchCompleted
  | RolloutPaused
  | RolloutResumed
  | RolloutAbortRequested
  | RolloutAborted
  | RolloutRollbackStarted
  | RolloutSucceeded
  | RolloutRolledBack
  | RolloutFailed;

export type RolloutEventType = RolloutEvent['type'];

/** Builds an event of the given type with its current schema version filled in. */
export function rolloutEvent<T extends RolloutEventType>(
  type: T,
  fields: Omit<Extract<RolloutEvent, { type: T }>, 'type' | 'schemaVersion'>,
): Extract<RolloutEvent, { type: T }> {
  return { type, schemaVersion: CURRENT_SCHEMA_VERSION[type], ...fields } as Extract<RolloutEvent, { type: T }>;
}

export const rolloutStreamId = (env: string, id: string): string => `cj.${env}.rollout.${id}`;
const ROLLOUT_STREAM = /^cj\.([^.]+)\.rollout\.(.+)$/;
/** The environment and rollout id of a rollout stream; undefined for any other stream. */
export function parseRolloutStreamId(streamId: string): { env: string; id: string } | undefined {
  const match = ROLLOUT_STREAM.exec(streamId);
  return match ? { env: match[1], id: match[2] } : undefined;
}

const TERMINAL: ReadonlySet<RolloutEventType> = new Set([
  'RolloutSucceeded',
  'RolloutRolledBack',
  'RolloutFailed',
  'RolloutAborted',
]);
/** True for the events after which a rollout never changes again. */
export const isTerminalRolloutEvent = (type: string): boolean => TERMINAL.has(type as RolloutEventType);
