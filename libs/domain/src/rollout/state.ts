/**
 * A rollout's state, folded from its stream by `evolveRollout`. It holds facts only (what was asked,
 * what happened, when); what to do next is `nextSteps`'s business.
 */
import { isTerminalRolloutPhase, type Millis } from '@cj/api';
import type { ContainerBaseline } from './container-fault';
import {
  storedRolloutEvent,
  type ContainerCreateRequested,
  type ContainerRemoveRequested,
  type ContainerStartRequested,
  type ContainerStopRequested,
  type RolloutEvent,
  type RolloutIdentity,
  type RolloutTask,
  type StoredRolloutEvent,
} from './events';

/** The intent of a side effect, recorded before the effect is performed. */
export type IntentEvent =
  ContainerStopRequested | ContainerRemoveRequested | ContainerCreateRequested | ContainerStartRequested;

/**
 * A side effect whose intent is recorded and whose outcome is not (in flight, or cut by a crash).
 * Kept flat, as the stream stores it (`storedRolloutEvent`): the folded state is kept as JSON (the
 * rollouts read model), and its shape stays that of the states kept before.
 */
export type PendingIntent = StoredRolloutEvent<IntentEvent>;

export type TaskPhase =
  | 'pending' //      not touched yet
  | 'updating' //     forward pass in progress
  | 'updated' //      runs the new revision, passed the gate
  | 'failed' //       forward pass failed; its old container must be restored
  | 'reverting' //    revert pass in progress
  | 'reverted' //     runs the old revision again (or was never touched by the failure)
  | 'stuck'; //       the revert pass failed too: needs an operator

/** The health gate of one pass: the container must pass checks continuously for minHealthyTime. */
export interface HealthGate {
  readonly containerId: string;
  readonly openedAt: Millis;
  /** Start of the current run of passing checks. */
  readonly healthySince?: Millis;
  readonly lastCheckAt?: Millis;
  readonly lastDetail?: string;
  readonly checks: number;
  /** Set when a check found the container lost (see containerFault): the gate fails at once. */
  readonly fatal?: string;
}

/**
 * The engine did not answer the task's open intent (see ContainerStepUnanswered): the step is asked
 * again, as a reconcile, until the engine answers.
 */
export interface UnansweredStep {
  /** The last attempt's reason. */
  readonly reason: string;
  /** Some attempt reached the engine, or may have: the step may be done, or be done later. */
  readonly maybeDone: boolean;
  /** The first attempt that got no answer, and the last. */
  readonly since: Millis;
  readonly at: Millis;
  readonly attempts: number;
}

/** An updated task's checks in the monitor window. */
export interface TaskWatch {
  readonly lastCheckAt: Millis;
  readonly lastDetail: string;
  /** The job's health check failed this many times in a row, up to the last check. */
  readonly failedChecks: number;
  /** Set when a check found the container lost (see containerFault): the task fails at once. */
  readonly fatal?: string;
}

/** One host's pull of the rollout's image, in the pull phase before the first batch. */
export type HostPull =
  | { readonly state: 'pulling'; readonly revision: number; readonly since: Millis }
  | {
      readonly state: 'pulled';
      readonly revision: number;
      readonly digest: string;
      readonly bytes?: number;
      readonly ms: Millis;
    }
  | { readonly state: 'failed'; readonly revision: number; readonly reason: string };

/** The time every updated task is watched after the last batch passed, before the rollout succeeds. */
export interface MonitorWindow {
  readonly since: Millis;
  readonly until: Millis;
}

export interface TaskState extends RolloutTask {
  readonly phase: TaskPhase;
  readonly direction?: 'forward' | 'revert';
  readonly pending?: PendingIntent;
  /** Set while the engine has not answered the pending intent's step. */
  readonly unanswered?: UnansweredStep;
  /** The container of the old revision: undefined until stopped; null when there was none. */
  readonly oldContainerId?: string | null;
  readonly oldStopped: boolean;
  /** When this pass stopped the task's old container (one that ran): its downtime starts here. */
  readonly oldStoppedAt?: Millis;
  /** The first passing check of the new container in this forward pass: its downtime ends here. */
  readonly firstPassAt?: Millis;
  /** How long the task served nothing while it was updated (see `TaskUpdated.downtimeMs`). */
  readonly downtimeMs?: Millis;
  /** The old container was started again by a revert pass. */
  readonly oldRestarted: boolean;
  /** The revert pass found the old container gone: it creates one of the old revision instead. */
  readonly oldMissing?: boolean;
  readonly newContainerId?: string;
  readonly newStarted: boolean;
  readonly newStopped: boolean;
  readonly newRemoved: boolean;
  readonly gate?: HealthGate;
  /** The container the task's latest pass started, as it was started: what later checks compare with. */
  readonly since?: ContainerBaseline;
  /** The batch boundary at which the updated task was last checked again. */
  readonly checkedAtBatch?: number;
  /** What the last check of the updated task found wrong; it becomes the task's failure. */
  readonly lostReason?: string;
  /** The updated task's checks since the monitor window opened. */
  readonly watch?: TaskWatch;
  readonly failReason?: string;
  readonly pruned: boolean;
}

export type RolloutStatus =
  'running' | 'paused' | 'rolling-back' | 'aborting' | 'succeeded' | 'rolled-back' | 'failed' | 'aborted';

export interface ActiveRollout extends RolloutIdentity {
  readonly exists: true;
  readonly batches: readonly (readonly number[])[];
  readonly tasks: readonly TaskState[];
  /** The pull phase, host by host (hosts not asked yet are absent). */
  readonly pulls: Readonly<Record<string, HostPull>>;
  readonly status: RolloutStatus;
  readonly batchesCompleted: number;
  readonly lastBatchCompletedAt?: Millis;
  /** The monitor window before success, once the last batch has passed its gate. */
  readonly monitor?: MonitorWindow;
  /** Last time a task completed a pass (or the rollout started or resumed): the progress deadline counts from it. */
  readonly lastProgressAt: Millis;
  /** The containers the placement has no place for were removed (the step before success). */
  readonly leftoversRemoved: boolean;
  /** Tasks whose forward pass failed, in order. */
  readonly failedTasks: readonly number[];
  /** How many failures the failure action has already answered (a resume acknowledges them). */
  readonly failuresHandled: number;
  readonly lease?: { readonly owner: string; readonly until: Millis };
  /** How long the rollout waited, in all, for a store that refused its writes (see `RolloutWaitedOnStore`). */
  readonly waitedOnStoreMs?: Millis;
  readonly reason?: string;
  /** When an abort was asked for: the gates of the revert passes after it count from here. */
  readonly abortRequestedAt?: Millis;
  readonly startedAt: Millis;
  readonly endedAt?: Millis;
}

export type RolloutState = { readonly exists: false } | ActiveRollout;

export const initialRolloutState = (): RolloutState => ({ exists: false });

export const isFinished = (state: RolloutState): boolean => state.exists && isTerminalRolloutPhase(state.status);

const freshTask = (task: RolloutTask): TaskState => ({
  ...task,
  phase: 'pending',
  oldStopped: false,
  oldRestarted: false,
  newStarted: false,
  newStopped: false,
  newRemoved: false,
  pruned: false,
});

/** Streak continuity: checks further apart than this many intervals (a runner was down) start a new streak. */
const MAX_CHECK_GAP_INTERVALS = 3;

export function evolveRollout(state: RolloutState, event: RolloutEvent): RolloutState {
  if (event.type === 'RolloutStarted') {
    return {
      exists: true,
      id: event.data.id,
      env: event.data.env,
      job: event.data.job,
      fromRevision: event.data.fromRevision,
      toRevision: event.data.toRevision,
      policy: event.data.policy,
      probeInterval: event.data.probeInterval,
      ...(event.data.probeRetries !== undefined && { probeRetries: event.data.probeRetries }),
      batches: event.data.batches,
      tasks: event.data.tasks.map(freshTask),
      pulls: {},
      status: 'running',
      batchesCompleted: 0,
      lastProgressAt: event.data.at,
      leftoversRemoved: false,
      failedTasks: [],
      failuresHandled: 0,
      startedAt: event.data.at,
      rollbackOf: event.data.rollbackOf,
    };
  }
  if (!state.exists) return state;
  const s = state;
  const task = (n: number, change: (t: TaskState) => Partial<TaskState>): ActiveRollout => ({
    ...s,
    tasks: s.tasks.map((t) => (t.task === n ? { ...t, ...change(t) } : t)),
  });

  switch (event.type) {
    case 'RolloutLeaseAcquired':
      return { ...s, lease: { owner: event.data.owner, until: event.data.until } };
    case 'ImagePullRequested':
      return {
        ...s,
        pulls: {
          ...s.pulls,
          [event.data.host]: { state: 'pulling', revision: event.data.revision, since: event.data.at },
        },
      };
    case 'ImagePulled': {
      const revision = s.pulls[event.data.host]?.revision ?? s.toRevision;
      const pulled: HostPull = {
        state: 'pulled',
        revision,
        digest: event.data.digest,
        ...(event.data.bytes !== undefined && { bytes: event.data.bytes }),
        ms: event.data.ms,
      };
      return { ...s, pulls: { ...s.pulls, [event.data.host]: pulled }, lastProgressAt: event.data.at };
    }
    case 'ImagePullFailed': {
      const revision = s.pulls[event.data.host]?.revision ?? s.toRevision;
      return {
        ...s,
        pulls: { ...s.pulls, [event.data.host]: { state: 'failed', revision, reason: event.data.reason } },
      };
    }
    case 'TaskUpdateStarted':
      return task(event.data.task, () => ({
        phase: event.data.direction === 'forward' ? 'updating' : 'reverting',
        direction: event.data.direction,
        gate: undefined,
        oldStoppedAt: undefined,
        firstPassAt: undefined,
      }));
    case 'ContainerStopRequested':
    case 'ContainerRemoveRequested':
    case 'ContainerCreateRequested':
    case 'ContainerStartRequested':
      return task(event.data.task, () => ({ pending: storedRolloutEvent(event), unanswered: undefined }));
    case 'ContainerStepUnanswered':
      return task(event.data.task, (t) =>
        t.pending === undefined ? {} : { unanswered: nextUnanswered(t.unanswered, event) },
      );
    case 'RolloutContainerStopped':
      return task(event.data.task, () =>
        event.data.role === 'old'
          ? {
              ...settled,
              oldStopped: true,
              oldContainerId: event.data.containerId,
              ...(event.data.containerId !== null && { oldStoppedAt: event.data.at }),
            }
          : { ...settled, newStopped: true },
      );
    case 'RolloutContainerRemoved':
      return task(event.data.task, () => (event.data.role === 'new' ? { ...settled, newRemoved: true } : settled));
    case 'RolloutContainerCreated':
      return task(event.data.task, () =>
        event.data.role === 'new'
          ? { ...settled, newContainerId: event.data.containerId }
          : { ...settled, oldContainerId: event.data.containerId, oldMissing: false },
      );
    case 'RolloutContainerMissing':
      return task(event.data.task, () => (event.data.role === 'old' ? { ...settled, oldMissing: true } : settled));
    case 'RolloutContainerStarted':
      return task(event.data.task, () => ({
        ...settled,
        ...(event.data.role === 'new' ? { newStarted: true } : { oldRestarted: true }),
        gate: { containerId: event.data.containerId, openedAt: event.data.at, checks: 0 },
        since: { restartCount: event.data.restartCount ?? 0, startedAt: event.data.startedAt },
      }));
    case 'RolloutHealthCheckPassed':
    case 'RolloutHealthCheckFailed':
      return task(event.data.task, (t) => {
        if (t.gate?.containerId === event.data.containerId) {
          const first =
            event.type === 'RolloutHealthCheckPassed' && t.direction === 'forward' && t.firstPassAt === undefined;
          return { gate: nextGate(t.gate, event, s.probeInterval), ...(first && { firstPassAt: event.data.at }) };
        }
        return s.monitor && t.phase === 'updated' && t.newContainerId === event.data.containerId
          ? { watch: nextWatch(t.watch, event) }
          : {};
      });
    case 'UpdatedTaskChecked':
      return task(event.data.task, (t) =>
        t.phase === 'updated' && t.newContainerId === event.data.containerId
          ? { checkedAtBatch: event.data.batch, lostReason: event.data.passed ? undefined : event.data.detail }
          : {},
      );
    case 'TaskUpdated':
      return {
        ...task(event.data.task, () => ({ phase: 'updated', gate: undefined, downtimeMs: event.data.downtimeMs })),
        lastProgressAt: event.data.at,
      };
    case 'TaskUpdateFailed': {
      // A failed revert leaves the task stuck; a failed forward pass counts against the failure ratio.
      const reverting = s.tasks.find((t) => t.task === event.data.task)?.phase === 'reverting';
      const next = task(event.data.task, () => ({
        phase: reverting ? 'stuck' : 'failed',
        failReason: event.data.reason,
        gate: undefined,
        ...settled,
        lostReason: undefined,
        watch: undefined,
      }));
      return reverting ? next : { ...next, failedTasks: [...s.failedTasks, event.data.task] };
    }
    case 'TaskRolledBack':
      return {
        ...task(event.data.task, () => ({ phase: 'reverted', gate: undefined })),
        lastProgressAt: event.data.at,
      };
    case 'ReplacedContainersRemoved':
      return task(event.data.task, () => ({ pruned: true }));
    case 'LeftoverContainersRemoved':
      return { ...s, leftoversRemoved: true };
    case 'RolloutMonitoringStarted':
      return { ...s, monitor: { since: event.data.at, until: event.data.until } };
    case 'RolloutWaitedOnStore':
      return afterStoreOutage(s, Math.max(0, event.data.to - event.data.from));
    case 'BatchCompleted':
      return { ...s, batchesCompleted: event.data.batch + 1, lastBatchCompletedAt: event.data.at };
    case 'RolloutPaused':
      return { ...s, status: 'paused', reason: event.data.reason, failuresHandled: s.failedTasks.length };
    case 'RolloutResumed':
      return {
        ...s,
        status: 'running',
        reason: undefined,
        failuresHandled: s.failedTasks.length,
        lastProgressAt: event.data.at,
      };
    case 'RolloutAbortRequested':
      // The progress deadline bounds the abort too (a task waiting on an engine that never answers).
      return {
        ...s,
        status: 'aborting',
        reason: event.data.reason,
        lastProgressAt: event.data.at,
        abortRequestedAt: event.data.at,
      };
    case 'RolloutRollbackStarted':
      return { ...s, status: 'rolling-back', reason: event.data.reason, lastProgressAt: event.data.at };
    case 'RolloutSucceeded':
      return { ...s, status: 'succeeded', endedAt: event.data.at };
    case 'RolloutRolledBack':
      return { ...s, status: 'rolled-back', reason: event.data.reason, endedAt: event.data.at };
    case 'RolloutFailed':
      return { ...s, status: 'failed', reason: event.data.reason, endedAt: event.data.at };
    case 'RolloutAborted':
      return { ...s, status: 'aborted', reason: event.data.reason, endedAt: event.data.at };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/**
 * The rollout's clocks stopped while the store refused its writes: every time a deadline, a
 * window or a run of passing checks counts from moves on by the outage, so the rollout resumes
 * where it was. Every such time in the state is at or before the outage's start (nothing was
 * recorded during it). The task's downtime is real time and is left as it was.
 */
function afterStoreOutage(s: ActiveRollout, waited: Millis): ActiveRollout {
  if (waited === 0) return s;
  const later = (at: Millis): Millis => at + waited;
  return {
    ...s,
    lastProgressAt: later(s.lastProgressAt),
    ...(s.lastBatchCompletedAt !== undefined && { lastBatchCompletedAt: later(s.lastBatchCompletedAt) }),
    ...(s.monitor && { monitor: { since: later(s.monitor.since), until: later(s.monitor.until) } }),
    waitedOnStoreMs: (s.waitedOnStoreMs ?? 0) + waited,
    tasks: s.tasks.map((t) => ({
      ...t,
      ...(t.gate && {
        gate: {
          ...t.gate,
          openedAt: later(t.gate.openedAt),
          ...(t.gate.healthySince !== undefined && { healthySince: later(t.gate.healthySince) }),
          ...(t.gate.lastCheckAt !== undefined && { lastCheckAt: later(t.gate.lastCheckAt) }),
        },
      }),
      ...(t.watch && { watch: { ...t.watch, lastCheckAt: later(t.watch.lastCheckAt) } }),
    })),
  };
}

/** A step's outcome, or the task's failure: its intent is no longer open. */
const settled = { pending: undefined, unanswered: undefined } as const;

function nextUnanswered(
  previous: UnansweredStep | undefined,
  event: RolloutEvent & { type: 'ContainerStepUnanswered' },
): UnansweredStep {
  return {
    reason: event.data.reason,
    maybeDone: (previous?.maybeDone ?? false) || event.data.maybeDone,
    since: previous?.since ?? event.data.at,
    at: event.data.at,
    attempts: (previous?.attempts ?? 0) + 1,
  };
}

function nextGate(
  gate: HealthGate,
  event: RolloutEvent & { type: 'RolloutHealthCheckPassed' | 'RolloutHealthCheckFailed' },
  interval: Millis,
): HealthGate {
  if (event.type === 'RolloutHealthCheckFailed') {
    return {
      ...gate,
      healthySince: undefined,
      lastCheckAt: event.data.at,
      lastDetail: event.data.detail,
      checks: gate.checks + 1,
      ...(event.data.fatal && { fatal: event.data.detail }),
    };
  }
  const gap = gate.lastCheckAt === undefined ? 0 : event.data.at - gate.lastCheckAt;
  const continuous = gate.healthySince !== undefined && gap <= MAX_CHECK_GAP_INTERVALS * interval;
  return {
    ...gate,
    healthySince: continuous ? gate.healthySince : event.data.at,
    lastCheckAt: event.data.at,
    lastDetail: 'healthy',
    checks: gate.checks + 1,
  };
}

function nextWatch(
  watch: TaskWatch | undefined,
  event: RolloutEvent & { type: 'RolloutHealthCheckPassed' | 'RolloutHealthCheckFailed' },
): TaskWatch {
  if (event.type === 'RolloutHealthCheckPassed')
    return { lastCheckAt: event.data.at, lastDetail: 'healthy', failedChecks: 0 };
  return {
    lastCheckAt: event.data.at,
    lastDetail: event.data.detail,
    failedChecks: (watch?.failedChecks ?? 0) + 1,
    ...(event.data.fatal && { fatal: event.data.detail }),
  };
}

/** Folds a whole stream. */
export const foldRollout = (
  events: readonly RolloutEvent[],
  from: RolloutState = initialRolloutState(),
): RolloutState => events.reduce(evolveRollout, from);
