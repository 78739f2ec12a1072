/**
 * The events of a rollout's own stream (`cj.<env>.rollout.<id>`). The stream is the rollout's
 * whole state: every side effect appears twice, as an intent (`…Requested`) recorded before it is
 * performed and as an outcome recorded after, so a runner that crashed in between knows exactly
 * which step to reconcile. Every event carries the time it describes (`data.at`, epoch milliseconds)
 * because deadlines and the min-healthy-time gate are computed from it.
 *
 * In memory each event has the envelope of every aggregate's events, `{ type, schemaVersion, data }`
 * (`Envelope`), without the metadata: the driver or the service gives that at append time, and it
 * is read back beside the event. The stream stores each one flat, `{ type, schemaVersion, ...data }`
 * as the record's data, as it always has; `storedRolloutEvent` and `upcastRolloutEvent` convert.
 */
import { CURRENT_SCHEMA_VERSION } from '../events/domain-event';
import type { Envelope } from '../events/metadata';
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

/** What every rollout event's data carries: the time it describes. */
interface At {
  readonly at: Millis;
}

/** The data of an event about one task of the rollout. */
interface OfTask extends At {
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

export type RolloutStarted = Envelope<
  'RolloutStarted',
  At &
    RolloutIdentity & {
      readonly tasks: readonly RolloutTask[];
      /** Task indices, batch by batch, in the order they are updated. */
      readonly batches: readonly (readonly number[])[];
    }
>;

export type RolloutLeaseAcquired = Envelope<
  'RolloutLeaseAcquired',
  At & {
    /** The orchestrator instance that drives the rollout until `until`. */
    readonly owner: string;
    readonly until: Millis;
  }
>;

/**
 * The pull phase, before the first batch: the target image is pulled (by digest) on every host that
 * runs one of the rollout's tasks before any container is touched, so no task is down while its
 * host downloads. One intent and one outcome per host, like every other side effect.
 */
export type ImagePullRequested = Envelope<
  'ImagePullRequested',
  At & {
    readonly host: string;
    readonly revision: number;
  }
>;
export type ImagePulled = Envelope<
  'ImagePulled',
  At & {
    readonly host: string;
    /** The registry digest the host now has the image by. */
    readonly digest: string;
    /** What the host downloaded: 0 when it had every layer already; absent when the engine did not say. */
    readonly bytes?: number;
    /** How long the pull took on that host. */
    readonly ms: Millis;
  }
>;
export type ImagePullFailed = Envelope<
  'ImagePullFailed',
  At & {
    readonly host: string;
    /** What the host's engine (and through it the registry) answered. */
    readonly reason: string;
  }
>;

export type TaskUpdateStarted = Envelope<
  'TaskUpdateStarted',
  OfTask & {
    /** `forward` moves the task to the new revision, `revert` restores the old one. */
    readonly direction: 'forward' | 'revert';
  }
>;

export type ContainerStopRequested = Envelope<
  'ContainerStopRequested',
  OfTask & {
    readonly role: ContainerRole;
    readonly revision?: number;
  }
>;
export type RolloutContainerStopped = Envelope<
  'RolloutContainerStopped',
  OfTask & {
    readonly role: ContainerRole;
    /** The container stopped; null when the task had none running (nothing to stop). */
    readonly containerId: string | null;
  }
>;

export type ContainerRemoveRequested = Envelope<
  'ContainerRemoveRequested',
  OfTask & {
    readonly role: ContainerRole;
    readonly containerId: string;
  }
>;
export type RolloutContainerRemoved = Envelope<
  'RolloutContainerRemoved',
  OfTask & {
    readonly role: ContainerRole;
    readonly containerId: string;
  }
>;

export type ContainerCreateRequested = Envelope<
  'ContainerCreateRequested',
  OfTask & {
    readonly role: ContainerRole;
    readonly revision: number;
    /** Deterministic container name: a runner that crashed looks for it before creating again. */
    readonly name: string;
  }
>;
export type RolloutContainerCreated = Envelope<
  'RolloutContainerCreated',
  OfTask & {
    readonly role: ContainerRole;
    readonly containerId: string;
  }
>;

/**
 * The outcome of starting a task's kept old container in a revert pass when it no longer exists
 * (removed outside cj): the pass creates it again from the old revision, pulling its image.
 */
export type RolloutContainerMissing = Envelope<
  'RolloutContainerMissing',
  OfTask & {
    readonly role: ContainerRole;
    readonly containerId: string;
  }
>;

/**
 * A container step (stop, remove, create, start) whose call the host's engine did not answer. With
 * `maybeDone` the call reached the engine, or may have (it timed out, or its connection dropped;
 * or it was the reconcile of a step an earlier call may have done): the engine may have carried
 * it out, or may still when it resumes. Without, the engine could not be reached and nothing was
 * done. Not a failure and not an outcome: the intent stays open, and before the task's next step
 * the runner asks the engine (containers are labelled) what happened and does only what is missing.
 */
export type ContainerStepUnanswered = Envelope<
  'ContainerStepUnanswered',
  OfTask & {
    readonly role: ContainerRole;
    /** The step and what the engine's client said: `removing container 3f2a… of task 1 on host h2 failed: host h2: …`. */
    readonly reason: string;
    readonly maybeDone: boolean;
  }
>;

export type ContainerStartRequested = Envelope<
  'ContainerStartRequested',
  OfTask & {
    readonly role: ContainerRole;
    readonly containerId: string;
  }
>;
export type RolloutContainerStarted = Envelope<
  'RolloutContainerStarted',
  OfTask & {
    readonly role: ContainerRole;
    readonly containerId: string;
    /**
     * The engine's restart count and start time right after the start: a later check that sees
     * them changed knows the container crashed and was restarted. Absent in older streams.
     */
    readonly restartCount?: ContainerBaseline['restartCount'];
    readonly startedAt?: ContainerBaseline['startedAt'];
  }
>;

/**
 * One check of a task's container: in its health gate, or, once the task is updated, in the
 * rollout's monitor window.
 */
export type RolloutHealthCheckPassed = Envelope<
  'RolloutHealthCheckPassed',
  OfTask & {
    readonly containerId: string;
  }
>;
export type RolloutHealthCheckFailed = Envelope<
  'RolloutHealthCheckFailed',
  OfTask & {
    readonly containerId: string;
    /** What the check saw: `GET /health → 404`, `connection refused`, `container exited (exit code 3)`. */
    readonly detail: string;
    /**
     * The container itself is lost (not running, restarted, or unhealthy by Docker's HEALTHCHECK):
     * the task fails at once instead of at the healthy deadline.
     */
    readonly fatal?: true;
  }
>;

/**
 * A task that already passed its gate, checked again at a batch boundary (its container still
 * runs, was not restarted, is not unhealthy). A check that did not pass makes it a failed task.
 */
export type UpdatedTaskChecked = Envelope<
  'UpdatedTaskChecked',
  OfTask & {
    readonly containerId: string;
    /** The batch whose completion the check belongs to. */
    readonly batch: number;
    readonly passed: boolean;
    /** `running` or what is wrong: `container exited (exit code 3)`. */
    readonly detail: string;
  }
>;

export type TaskUpdated = Envelope<
  'TaskUpdated',
  OfTask & {
    readonly revision: number;
    readonly containerId: string;
    /**
     * How long the task served nothing: from its old container's stop to its new container's first
     * passing check (0 when the old one ran until the new one passed, start-first). Absent when the
     * task had no old container, and in streams written before it was recorded.
     */
    readonly downtimeMs?: Millis;
  }
>;
export type TaskUpdateFailed = Envelope<
  'TaskUpdateFailed',
  OfTask & {
    readonly reason: string;
  }
>;
export type TaskRolledBack = Envelope<
  'TaskRolledBack',
  OfTask & {
    /** The revision the task runs again; absent when the job had none (the task is left stopped). */
    readonly revision?: number;
    readonly containerId: string | null;
  }
>;
export type ReplacedContainersRemoved = Envelope<
  'ReplacedContainersRemoved',
  OfTask & {
    readonly containerIds: readonly string[];
    /** Set when the task's host could not be cleaned up; the rollout still succeeds. */
    readonly error?: string;
  }
>;

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
export type LeftoverContainersRemoved = Envelope<
  'LeftoverContainersRemoved',
  At & {
    readonly containers: readonly LeftoverContainer[];
    readonly failures?: readonly LeftoverCleanupFailure[];
  }
>;

/**
 * The last batch passed its gate and its boundary check: every updated task is now checked at the
 * probe interval until `until` (the policy's monitor window) before the last batch completes.
 */
export type RolloutMonitoringStarted = Envelope<
  'RolloutMonitoringStarted',
  At & {
    readonly until: Millis;
  }
>;

/**
 * The store refused the rollout's writes from `from` until `to` (a full disk, a lost connection):
 * the rollout waited, and did nothing it could not record. Its clocks stop for that long: the
 * healthy deadline, the min healthy time's run of passing checks, the monitor window, the delay
 * between batches and the progress deadline count only time the store took writes. The outage is
 * a fact of the stream, so a replay reaches the same decisions as the runner that waited.
 */
export type RolloutWaitedOnStore = Envelope<
  'RolloutWaitedOnStore',
  At & {
    readonly from: Millis;
    readonly to: Millis;
    /** What the store answered when it refused the first write. */
    readonly reason: string;
  }
>;

export type BatchCompleted = Envelope<
  'BatchCompleted',
  At & {
    readonly batch: number;
  }
>;

export type RolloutPaused = Envelope<
  'RolloutPaused',
  At & {
    readonly reason: string;
  }
>;
export type RolloutResumed = Envelope<
  'RolloutResumed',
  At & {
    readonly reason?: string;
  }
>;
export type RolloutAbortRequested = Envelope<
  'RolloutAbortRequested',
  At & {
    readonly reason: string;
  }
>;
export type RolloutAborted = Envelope<
  'RolloutAborted',
  At & {
    readonly reason: string;
  }
>;
export type RolloutRollbackStarted = Envelope<
  'RolloutRollbackStarted',
  At & {
    readonly reason: string;
  }
>;
export type RolloutSucceeded = Envelope<
  'RolloutSucceeded',
  At & {
    /** Tasks that failed within the allowed failure ratio and were restored to the old revision. */
    readonly failedTasks: readonly number[];
  }
>;
export type RolloutRolledBack = Envelope<
  'RolloutRolledBack',
  At & {
    readonly reason: string;
  }
>;
export type RolloutFailed = Envelope<
  'RolloutFailed',
  At & {
    readonly reason: string;
  }
>;

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

/** The rollout event of the given type. */
export type RolloutEventOfType<T extends RolloutEventType> = Extract<RolloutEvent, { type: T }>;

/** The data of the rollout event of the given type. */
export type RolloutEventData<T extends RolloutEventType> = RolloutEventOfType<T>['data'];

/**
 * A rollout event as its stream stores it, the record's data: flat, its data's fields beside `type`
 * and `schemaVersion`.
 */
export type StoredRolloutEvent<E extends RolloutEvent = RolloutEvent> = E extends RolloutEvent
  ? { readonly type: E['type']; readonly schemaVersion: E['schemaVersion'] } & E['data']
  : never;

/**
 * The record's data a rollout event is stored as (see `StoredRolloutEvent`): `type`, then
 * `schemaVersion`, then the data's fields in their order, so that the same event always serializes
 * to the same text (its id is derived from it). `upcastRolloutEvent` reads it back.
 */
export const storedRolloutEvent = <E extends RolloutEvent>(event: E): StoredRolloutEvent<E> =>
  ({ type: event.type, schemaVersion: event.schemaVersion, ...event.data }) as StoredRolloutEvent<E>;

/** Builds an event of the given type with its current schema version filled in. */
export function rolloutEvent<T extends RolloutEventType>(type: T, data: RolloutEventData<T>): RolloutEventOfType<T> {
  return { type, schemaVersion: CURRENT_SCHEMA_VERSION[type], data } as RolloutEventOfType<T>;
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
