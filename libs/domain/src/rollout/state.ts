/**
 * A rollout's state, folded from its stream by `evolveRollout`. It holds facts only (what was asked,
 * what happened, when); what to do next is `nextSteps`'s business.
 */
import { isTerminalRolloutPhase, type Millis } from '@cj/api';
import type { ContainerBaseline } from './container-fault';
import type {
  ContainerCreateRequested,
  ContainerRemoveRequested,
  ContainerStartRequested,
  ContainerStopRequested,
  RolloutEvent,
  RolloutIdentity,
  RolloutTask,
} from './events';

/** A side effect whose intent is recorded and whose outcome is not (in flight, or cut by a crash). */
export type PendingIntent =
  ContainerStopRequested | ContainerRemoveRequested | ContainerCreateRequested | ContainerStartRequested;

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
      id: event.id,
      env: event.env,
      job: event.job,
      fromRevision: event.fromRevision,
      toRevision: event.toRevision,
      policy: event.policy,
      probeInterval: event.probeInterval,
      ...(event.probeRetries !== undefined && { probeRetries: event.probeRetries }),
      batches: event.batches,
      tasks: event.tasks.map(freshTask),
      pulls: {},
      status: 'running',
      batchesCompleted: 0,
      lastProgressAt: event.at,
      leftoversRemoved: false,
      failedTasks: [],
      failuresHandled: 0,
      startedAt: event.at,
      rollbackOf: event.rollbackOf,
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
      return { ...s, lease: { owner: event.owner, until: event.until } };
    case 'ImagePullRequested':
      return {
        ...s,
        pulls: { ...s.pulls, [event.host]: { state: 'pulling', revision: event.revision, since: event.at } },
      };
    case 'ImagePulled': {
      const revision = s.pulls[event.host]?.revision ?? s.toRevision;
      const pulled: HostPull = {
        state: 'pulled',
        revision,
        digest: event.digest,
        ...(event.bytes !== undefined && { bytes: event.bytes }),
        ms: event.ms,
      };
      return { ...s, pulls: { ...s.pulls, [event.host]: pulled }, lastProgressAt: event.at };
    }
    case 'ImagePullFailed': {
      const revision = s.pulls[event.host]?.revision ?? s.toRevision;
      return { ...s, pulls: { ...s.pulls, [event.host]: { state: 'failed', revision, reason: event.reason } } };
    }
    case 'TaskUpdateStarted':
      return task(event.task, () => ({
        phase: event.direction === 'forward' ? 'updating' : 'reverting',
        direction: event.direction,
        gate: undefined,
        oldStoppedAt: undefined,
        firstPassAt: undefined,
      }));
    case 'ContainerStopRequested':
    case 'ContainerRemoveRequested':
    case 'ContainerCreateRequested':
    case 'ContainerStartRequested':
      return task(event.task, () => ({ pending: event, unanswered: undefined }));
    case 'ContainerStepUnanswered':
      return task(event.task, (t) =>
        t.pending === undefined ? {} : { unanswered: nextUnanswered(t.unanswered, event) },
      );
    case 'RolloutContainerStopped':
      return task(event.task, () =>
        event.role === 'old'
          ? {
              ...settled,
              oldStopped: true,
              oldContainerId: event.containerId,
              ...(event.containerId !== null && { oldStoppedAt: event.at }),
            }
          : { ...settled, newStopped: true },
      );
    case 'RolloutContainerRemoved':
      return task(event.task, () => (event.role === 'new' ? { ...settled, newRemoved: true } : settled));
    case 'RolloutContainerCreated':
      return task(event.task, () =>
        event.role === 'new'
          ? { ...settled, newContainerId: event.containerId }
          : { ...settled, oldContainerId: event.containerId, oldMissing: false },
      );
    case 'RolloutContainerMissing':
      return task(event.task, () => (event.role === 'old' ? { ...settled, oldMissing: true } : settled));
    case 'RolloutContainerStarted':
      return task(event.task, () => ({
        ...settled,
        ...(event.role === 'new' ? { newStarted: true } : { oldRestarted: true }),
        gate: { containerId: event.containerId, openedAt: event.at, checks: 0 },
        since: { restartCount: event.restartCount ?? 0, startedAt: event.startedAt },
      }));
    case 'RolloutHealthCheckPassed':
    case 'RolloutHealthCheckFailed':
      return task(event.task, (t) => {
        if (t.gate?.containerId === event.containerId) {
          const first =
            event.type === 'RolloutHealthCheckPassed' && t.direction === 'forward' && t.firstPassAt === undefined;
          return { gate: nextGate(t.gate, event, s.probeInterval), ...(first && { firstPassAt: event.at }) };
        }
        return s.monitor && t.phase === 'updated' && t.newContainerId === event.containerId
          ? { watch: nextWatch(t.watch, event) }
          : {};
      });
    case 'UpdatedTaskChecked':
      return task(event.task, (t) =>
        t.phase === 'updated' && t.newContainerId === event.containerId
          ? { checkedAtBatch: event.batch, lostReason: event.passed ? undefined : event.detail }
          : {},
      );
    case 'TaskUpdated':
      return {
        ...task(event.task, () => ({ phase: 'updated', gate: undefined, downtimeMs: event.downtimeMs })),
        lastProgressAt: event.at,
      };
    case 'TaskUpdateFailed': {
      // A failed revert leaves the task stuck; a failed forward pass counts against the failure ratio.
      const reverting = s.tasks.find((t) => t.task === event.task)?.phase === 'reverting';
      const next = task(event.task, () => ({
        phase: reverting ? 'stuck' : 'failed',
        failReason: event.reason,
        gate: undefined,
        ...settled,
        lostReason: undefined,
        watch: undefined,
      }));
      return reverting ? next : { ...next, failedTasks: [...s.failedTasks, event.task] };
    }
    case 'TaskRolledBack':
      return { ...task(event.task, () => ({ phase: 'reverted', gate: undefined })), lastProgressAt: event.at };
    case 'ReplacedContainersRemoved':
      return task(event.task, () => ({ pruned: true }));
    case 'LeftoverContainersRemoved':
      return { ...s, leftoversRemoved: true };
    case 'RolloutMonitoringStarted':
      return { ...s, monitor: { since: event.at, until: event.until } };
    case 'RolloutWaitedOnStore':
      return afterStoreOutage(s, Math.max(0, event.to - event.from));
    case 'BatchCompleted':
      return { ...s, batchesCompleted: event.batch + 1, lastBatchCompletedAt: event.at };
    case 'RolloutPaused':
      return { ...s, status: 'paused', reason: event.reason, failuresHandled: s.failedTasks.length };
    case 'RolloutResumed':
      return {
        ...s,
        status: 'running',
        reason: undefined,
        failuresHandled: s.failedTasks.length,
        lastProgressAt: event.at,
      };
    case 'RolloutAbortRequested':
      // The progress deadline bounds the abort too (a task waiting on an engine that never answers).
      return { ...s, status: 'aborting', reason: event.reason, lastProgressAt: event.at, abortRequestedAt: event.at };
    case 'RolloutRollbackStarted':
      return { ...s, status: 'rolling-back', reason: event.reason, lastProgressAt: event.at };
    case 'RolloutSucceeded':
      return { ...s, status: 'succeeded', endedAt: event.at };
    case 'RolloutRolledBack':
      return { ...s, status: 'rolled-back', reason: event.reason, endedAt: event.at };
    case 'RolloutFailed':
      return { ...s, status: 'failed', reason: event.reason, endedAt: event.at };
    case 'RolloutAborted':
      return { ...s, status: 'aborted', reason: event.reason, endedAt: event.at };
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
    reason: event.reason,
    maybeDone: (previous?.maybeDone ?? false) || event.maybeDone,
    since: previous?.since ?? event.at,
    at: event.at,
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
      lastCheckAt: event.at,
      lastDetail: event.detail,
      checks: gate.checks + 1,
      ...(event.fatal && { fatal: event.detail }),
    };
  }
  const gap = gate.lastCheckAt === undefined ? 0 : event.at - gate.lastCheckAt;
  const continuous = gate.healthySince !== undefined && gap <= MAX_CHECK_GAP_INTERVALS * interval;
  return {
    ...gate,
    healthySince: continuous ? gate.healthySince : event.at,
    lastCheckAt: event.at,
    lastDetail: 'healthy',
    checks: gate.checks + 1,
  };
}

function nextWatch(
  watch: TaskWatch | undefined,
  event: RolloutEvent & { type: 'RolloutHealthCheckPassed' | 'RolloutHealthCheckFailed' },
): TaskWatch {
  if (event.type === 'RolloutHealthCheckPassed')
    return { lastCheckAt: event.at, lastDetail: 'healthy', failedChecks: 0 };
  return {
    lastCheckAt: event.at,
    lastDetail: event.detail,
    failedChecks: (watch?.failedChecks ?? 0) + 1,
    ...(event.fatal && { fatal: event.detail }),
  };
}

/** Folds a whole stream. */
export const foldRollout = (
  events: readonly RolloutEvent[],
  from: RolloutState = initialRolloutState(),
): RolloutState => events.reduce(evolveRollout, from);
