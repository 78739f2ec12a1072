/**
 * The rollout workflow: given the folded state and the current time, the next steps to perform.
 * Pure and deterministic; the runner calls it again after every outcome it records.
 *
 * A task moves through a pass of steps. Forward, stop-first: stop old → create new → start new →
 * health gate. Forward, start-first: create new → start new → health gate → stop old. Revert:
 * remove the new container → start the kept old one → health gate. A rollback reverts every task
 * that was touched, batch by batch, through the same gate.
 *
 * The gate fails a task at once when its container is lost (exited, restarted, unhealthy by
 * Docker's HEALTHCHECK), and before each batch counts as completed every task updated so far is
 * checked once more, so an image that passes its gate and crashes later is still rolled back.
 * With a monitor window in the policy, the boundary after the last batch lasts that long: every
 * updated task is checked at the probe interval, as its gate checked it, before the rollout succeeds.
 * Before the first batch, the pull phase pulls the target image on every host of the rollout's
 * tasks, a few hosts at a time; a failed pull fails the rollout before any container is touched.
 * Its very last step removes the job's containers that its placement has no place for (tasks the
 * target revision dropped, or moved to another host); a rollback or an abort has no such step, as
 * the old placement is what runs again.
 *
 * A container step the engine did not answer (it timed out, or the engine was down) is not taken
 * for a failure: its intent stays open and the step is asked again as a reconcile, which learns
 * from the engine what happened and does only what is missing, until the engine answers. Only a
 * forward step that never reached the engine fails the task at once (nothing was done, and the old
 * container still runs). The progress deadline bounds the waiting, and its reason names the tasks.
 *
 * An abort ends the rollout within seconds, whatever its policy says: it stops waiting on gates at
 * once (a task in its forward gate is reverted), reverts every task it touched as a rollback does,
 * and gives each revert pass a short gate of its own (ABORT_MIN_HEALTHY_TIME within
 * ABORT_HEALTHY_DEADLINE) instead of the policy's. A task whose old container does not pass that
 * gate is left stuck and named in the reason; the rollout ends aborted all the same. A pull in
 * flight is not awaited: it touches no container.
 */
import { rolloutEvent, storedRolloutEvent, type RolloutEvent } from './events';
import { finalPlacement } from './leftovers';
import type {
  ActiveRollout,
  HealthGate,
  IntentEvent,
  MonitorWindow,
  PendingIntent,
  RolloutState,
  TaskState,
  UnansweredStep,
} from './state';
import { evolveRollout, isFinished } from './state';
import type { RolloutEffect, RolloutStep, WorkflowInput } from './steps';
import type { Millis } from '@cj/api';

/** Before the first passing check the gate rechecks sooner, doubling from this, up to the interval. */
const FIRST_RECHECK: Millis = 100;

/**
 * In the monitor window one slow answer is not a failure: the job's health check must fail its
 * `retries` times in a row (this many when the rollout does not say, as a Docker HEALTHCHECK
 * retries three times by default). A lost container fails the task at once.
 */
const WATCH_FAILED_CHECKS = 3;

/** How many hosts pull the rollout's image at once in the pull phase. */
export const PULL_CONCURRENCY = 4;

/** A step the engine did not answer is asked again after this, doubling with each attempt, up to UNANSWERED_RETRY_MAX. */
export const UNANSWERED_RETRY_FIRST: Millis = 500;
export const UNANSWERED_RETRY_MAX: Millis = 10_000;
/** After an abort, a revert pass's gate asks for this much continuous health… */
export const ABORT_MIN_HEALTHY_TIME: Millis = 1000;
/** …within this long of the gate's opening or of the abort, whichever came later. */
export const ABORT_HEALTHY_DEADLINE: Millis = 5000;

export function nextSteps(state: RolloutState, input: WorkflowInput): RolloutStep[] {
  if (!state.exists || isFinished(state)) return [];
  const transition = rolloutTransition(state, input.now);
  if (transition) return [transition];
  return pullPhaseOpen(state) ? pullSteps(state, input.now) : taskSteps(state, input.now);
}

/** The name of the container a rollout creates for a task: says env, job, task, revision and rollout. */
export const taskContainerName = (s: ActiveRollout, task: number, revision: number): string =>
  `cj-${s.env}-${s.job}-${task}-r${revision}-${s.id.replace(/[^a-zA-Z0-9]/g, '').slice(0, 8)}`;

const record = (...events: RolloutEvent[]): RolloutStep => ({
  key: 'rollout',
  events,
  effect: { kind: 'record' },
  reconcile: false,
});

const inFlight = (t: TaskState): boolean => t.phase === 'updating' || t.phase === 'failed' || t.phase === 'reverting';
const touched = (t: TaskState): boolean => inFlight(t) || t.phase === 'updated';

/** The hosts that run the rollout's tasks, in task order: where its image must be before the first batch. */
export const pullHosts = (s: ActiveRollout): string[] => [...new Set(s.tasks.map((t) => t.host))];

/**
 * The pull phase is open while the rollout runs, no task has been touched and some host of its
 * tasks has not pulled the image yet. A stream written before the phase existed, whose tasks have
 * started, never opens it.
 */
export function pullPhaseOpen(s: ActiveRollout): boolean {
  if (s.status !== 'running' || s.batchesCompleted > 0 || s.tasks.some((t) => t.phase !== 'pending')) return false;
  return pullHosts(s).some((host) => s.pulls[host]?.state !== 'pulled');
}

const pulling = (s: ActiveRollout): string[] =>
  Object.keys(s.pulls).filter((host) => s.pulls[host].state === 'pulling');

/** The pull phase's end: a failed pull fails the rollout once no other pull is in flight. */
function pullTransition(s: ActiveRollout, now: Millis, stalled: boolean): RolloutStep | undefined {
  const failed = pullHosts(s).flatMap((host) => {
    const pull = s.pulls[host];
    return pull?.state === 'failed' ? [`on ${host}: ${pull.reason}`] : [];
  });
  const nothingTouched = 'no container was touched';
  if (failed.length > 0) {
    if (pulling(s).length > 0) return undefined;
    return record(
      rolloutEvent('RolloutFailed', {
        at: now,
        reason: `pulling the image of revision ${s.toRevision} failed ${failed.join('; ')}; ${nothingTouched}`,
      }),
    );
  }
  if (stalled) {
    const waiting = pulling(s).join(', ') || 'none';
    return record(
      rolloutEvent('RolloutFailed', {
        at: now,
        reason: `the image of revision ${s.toRevision} was not pulled within the progress deadline of ${seconds(s.policy.progressDeadline)} (still pulling: ${waiting}); ${nothingTouched}`,
      }),
    );
  }
  return undefined;
}

/** The pull phase's next steps: pulls cut by a crash are performed again, new ones up to PULL_CONCURRENCY. */
function pullSteps(s: ActiveRollout, now: Millis): RolloutStep[] {
  const step = (host: string, events: RolloutEvent[], reconcile: boolean): RolloutStep => ({
    key: `pull:${host}`,
    events,
    effect: { kind: 'pull-image', host, revision: s.toRevision },
    reconcile,
  });
  const inFlight = pulling(s);
  const steps = inFlight.map((host) => step(host, [], true));
  if (Object.values(s.pulls).some((p) => p.state === 'failed')) return steps;
  const waiting = pullHosts(s).filter((host) => s.pulls[host] === undefined);
  for (const host of waiting.slice(0, Math.max(0, PULL_CONCURRENCY - inFlight.length))) {
    steps.push(step(host, [rolloutEvent('ImagePullRequested', { at: now, host, revision: s.toRevision })], false));
  }
  return steps;
}

function rolloutTransition(s: ActiveRollout, now: Millis): RolloutStep | undefined {
  const at = now;
  // Waiting out the monitor window is not a stall: the progress deadline counts from its end.
  const stalled = now - Math.max(s.lastProgressAt, s.monitor?.until ?? s.lastProgressAt) > s.policy.progressDeadline;
  if (pullPhaseOpen(s)) return pullTransition(s, now, stalled);
  if (s.status === 'running') {
    const allowed = Math.floor(s.policy.maxFailureRatio * s.tasks.length + 1e-9);
    const failed = s.failedTasks.length;
    if (failed > allowed && failed > s.failuresHandled) {
      return failureAction(s, at, failureReason(s, allowed));
    }
    if (stalled) {
      return failureAction(
        s,
        at,
        `no task completed its update within the progress deadline of ${seconds(s.policy.progressDeadline)}${waitingOnEngines(s)}`,
      );
    }
    if (s.batchesCompleted === s.batches.length) {
      if (!s.tasks.every((t) => t.pruned)) return undefined;
      const stuck = s.tasks.filter((t) => t.phase === 'stuck');
      if (stuck.length > 0) return record(rolloutEvent('RolloutFailed', { at, reason: stuckReason(stuck) }));
      // Its outcome is the only mark: a runner that crashed in the middle lists the hosts again and finds fewer.
      if (!s.leftoversRemoved)
        return {
          key: 'rollout',
          events: [],
          effect: { kind: 'remove-leftovers', placement: finalPlacement(s) },
          reconcile: false,
        };
      return record(rolloutEvent('RolloutSucceeded', { at, failedTasks: s.failedTasks }));
    }
    if (atBatchBoundary(s)) {
      const lost = s.tasks.find((t) => t.phase === 'updated' && t.lostReason !== undefined);
      if (lost) {
        const reason = `${lost.lostReason} after it passed its health gate (checked when batch ${s.batchesCompleted + 1} of ${s.batches.length} was done)`;
        return record(rolloutEvent('TaskUpdateFailed', { at, task: lost.task, reason }));
      }
      if (s.tasks.some((t) => awaitsCheck(s, t))) return undefined;
      // The boundary after the last batch lasts the monitor window, when the policy has one.
      const window = s.policy.monitor ?? 0;
      if (window > 0 && s.batchesCompleted === s.batches.length - 1) {
        if (!s.monitor) return record(rolloutEvent('RolloutMonitoringStarted', { at, until: at + window }));
        const monitor = s.monitor;
        if (s.tasks.some((t) => t.phase === 'updated' && !watchedToTheEnd(t, monitor))) return undefined;
      }
      return record(rolloutEvent('BatchCompleted', { at, batch: s.batchesCompleted }));
    }
    const members = s.tasks.filter((t) => s.batches[s.batchesCompleted].includes(t.task));
    const startsAt =
      (s.lastBatchCompletedAt ?? s.startedAt) + (s.batchesCompleted > 0 ? s.policy.delayBetweenBatches : 0);
    if (members.every((t) => t.phase === 'pending') && now < startsAt) {
      return { key: 'rollout', events: [], effect: { kind: 'wait', until: startsAt }, reconcile: false };
    }
    return undefined;
  }
  if (s.status === 'rolling-back') {
    if (stalled) {
      const reason = `rollback made no progress within the progress deadline of ${seconds(s.policy.progressDeadline)} (${s.reason})${waitingOnEngines(s)}`;
      return record(rolloutEvent('RolloutFailed', { at, reason }));
    }
    if (s.tasks.some(touched)) return undefined;
    const stuck = s.tasks.filter((t) => t.phase === 'stuck');
    return stuck.length > 0
      ? record(rolloutEvent('RolloutFailed', { at, reason: `${s.reason}; then ${stuckReason(stuck)}` }))
      : record(rolloutEvent('RolloutRolledBack', { at, reason: s.reason ?? 'rolled back' }));
  }
  if (s.status === 'aborting') {
    if (stalled) {
      const reason = `the abort made no progress within the progress deadline of ${seconds(s.policy.progressDeadline)} (${s.reason})${waitingOnEngines(s)}`;
      return record(rolloutEvent('RolloutFailed', { at, reason }));
    }
    if (s.tasks.some(touched)) return undefined;
    const reason = s.reason ?? 'aborted';
    const stuck = s.tasks.filter((t) => t.phase === 'stuck');
    return record(
      rolloutEvent('RolloutAborted', {
        at,
        reason: stuck.length > 0 ? `${reason}; then ${stuckReason(stuck)}` : reason,
      }),
    );
  }
  return undefined;
}

/** The tasks whose step the engine has not answered, as the end of a reason: `; task 1 on h2 …`. */
function waitingOnEngines(s: ActiveRollout): string {
  const waiting = s.tasks.filter((t) => t.pending !== undefined && t.unanswered !== undefined);
  return waiting
    .map((t) => `; task ${t.task} on ${t.host} ${unansweredDetail(t.unanswered as UnansweredStep)}`)
    .join('');
}

/** What a task whose step the engine has not answered is waiting for. */
export const unansweredDetail = (u: UnansweredStep): string =>
  `${u.maybeDone ? 'cannot tell whether its step was done' : 'cannot take its step'}: its engine has not answered ${u.attempts === 1 ? 'once' : `${u.attempts} times`} (last: ${u.reason})`;

/**
 * The current batch is done and nothing is being restored: before the batch counts as completed,
 * every task this rollout updated so far is checked once more (see `awaitsCheck`). The boundary
 * after the last batch is the check before the rollout succeeds.
 */
function atBatchBoundary(s: ActiveRollout): boolean {
  if (s.status !== 'running' || s.batchesCompleted >= s.batches.length) return false;
  const batch = s.batches[s.batchesCompleted];
  const members = s.tasks.filter((t) => batch.includes(t.task));
  return (
    members.every((t) => t.phase === 'updated' || t.phase === 'reverted' || t.phase === 'stuck') &&
    !s.tasks.some(inFlight)
  );
}

/**
 * Updated tasks stay watched until the rollout ends, like Swarm's update monitor but for the whole
 * rollout: an image that passes its gate and crashes a little later is caught at the next boundary.
 */
const awaitsCheck = (s: ActiveRollout, t: TaskState): boolean =>
  t.phase === 'updated' && t.lostReason === undefined && (t.checkedAtBatch ?? -1) < s.batchesCompleted;

/**
 * Once the monitor window is open, an updated task is checked through it while the rollout runs
 * toward success. The window opens only after the last batch, not between batches: an earlier
 * task is checked again at every later boundary and then through this window, so every task is
 * watched at least the window's length after its own gate, as Swarm's per-task monitor watches it.
 */
const watched = (s: ActiveRollout, t: TaskState): boolean =>
  s.status === 'running' && s.batchesCompleted < s.batches.length && t.phase === 'updated';

/** The task passed a check at or after the end of the window and is not in a run of failed checks. */
const watchedToTheEnd = (t: TaskState, monitor: MonitorWindow): boolean =>
  t.watch !== undefined && t.watch.lastCheckAt >= monitor.until && t.watch.failedChecks === 0;

function failureAction(s: ActiveRollout, at: Millis, reason: string): RolloutStep {
  return s.policy.failureAction === 'rollback'
    ? record(rolloutEvent('RolloutRollbackStarted', { at, reason }))
    : record(rolloutEvent('RolloutPaused', { at, reason }));
}

function failureReason(s: ActiveRollout, allowed: number): string {
  const last = s.tasks.find((t) => t.task === s.failedTasks[s.failedTasks.length - 1]);
  const ratio = `${s.failedTasks.length} of ${s.tasks.length} tasks failed, more than the ${allowed} allowed by maxFailureRatio ${s.policy.maxFailureRatio}`;
  return last ? `task ${last.task} on ${last.host} failed: ${last.failReason}; ${ratio}` : ratio;
}

const stuckReason = (stuck: readonly TaskState[]): string =>
  `could not restore ${stuck.map((t) => `task ${t.task} on ${t.host} (${t.failReason})`).join(', ')}`;

const seconds = (ms: Millis): string => `${ms / 1000}s`;

function taskSteps(s: ActiveRollout, now: Millis): RolloutStep[] {
  const steps: RolloutStep[] = [];
  // A task waiting on an engine that does not answer holds up no other task's restore.
  let revertSlots =
    s.policy.maxParallel -
    s.tasks.filter((t) => (t.phase === 'reverting' || t.phase === 'failed') && t.unanswered === undefined).length;
  const batch = s.batches[s.batchesCompleted] ?? [];
  const allDone = s.status === 'running' && s.batchesCompleted === s.batches.length;
  const reverting = s.status === 'rolling-back' || s.status === 'aborting';
  const newestFirst = [...s.batches].reverse().flatMap((b) => [...b].reverse());
  const order = reverting ? newestFirst : s.tasks.map((t) => t.task);
  for (const n of order) {
    const t = s.tasks.find((x) => x.task === n);
    if (!t) continue;
    if (t.pending) {
      steps.push(openIntentStep(t, t.pending, now));
      continue;
    }
    let step: RolloutStep | undefined;
    if (t.phase === 'failed' || (t.phase === 'updating' && reverting)) {
      step = startPass(s, t, 'revert', now);
    } else if (t.phase === 'updated' && reverting && revertSlots > 0) {
      revertSlots--;
      step = startPass(s, t, 'revert', now);
    } else if (t.phase === 'pending' && s.status === 'running' && batch.includes(t.task)) {
      step = startPass(s, t, 'forward', now);
    } else if (t.phase === 'updating' || t.phase === 'reverting') {
      step = nextStep(s, t, now);
    } else if (awaitsCheck(s, t) && atBatchBoundary(s)) {
      step = checkStep(s, t);
    } else if (s.monitor && watched(s, t)) {
      step = watchStep(s, t, s.monitor, now);
    } else if (allDone && !t.pruned) {
      const current = t.phase === 'updated' ? t.newContainerId : (t.oldContainerId ?? undefined);
      step = {
        key: `task:${t.task}`,
        events: [],
        effect: { kind: 'remove-replaced', task: t.task, host: t.host, keep: s.policy.keepReplaced, current },
        reconcile: false,
      };
    }
    if (step) steps.push(step);
  }
  return steps;
}

/**
 * A task whose intent has no outcome: the step is in flight, or was cut by a crash, or the engine
 * did not answer it. It is asked again as a reconcile (the runner looks before it acts), after a
 * pause that grows while the engine stays silent. A forward step that never reached the engine
 * fails the task instead: nothing was done, and the failure action and the revert pass take over.
 */
function openIntentStep(t: TaskState, pending: PendingIntent, now: Millis): RolloutStep {
  const key = `task:${t.task}`;
  const unanswered = t.unanswered;
  if (unanswered !== undefined) {
    if (!unanswered.maybeDone && t.direction === 'forward') {
      return {
        key,
        events: [rolloutEvent('TaskUpdateFailed', { at: now, task: t.task, reason: unanswered.reason })],
        effect: { kind: 'record' },
        reconcile: false,
      };
    }
    const retryAt =
      unanswered.at + Math.min(UNANSWERED_RETRY_MAX, UNANSWERED_RETRY_FIRST * 2 ** (unanswered.attempts - 1));
    if (now < retryAt) return { key, events: [], effect: { kind: 'wait', until: retryAt }, reconcile: false };
  }
  return { key, events: [], effect: effectOf(t, pending), reconcile: true };
}

function startPass(s: ActiveRollout, t: TaskState, direction: 'forward' | 'revert', now: Millis): RolloutStep {
  const started = rolloutEvent('TaskUpdateStarted', { at: now, task: t.task, direction });
  const after = evolveRollout(s, started) as ActiveRollout;
  const next = nextStep(after, after.tasks.find((x) => x.task === t.task) as TaskState, now);
  return { ...next, events: [started, ...next.events] };
}

/** The next step of a task's pass, from what has happened to it so far. */
function nextStep(s: ActiveRollout, t: TaskState, now: Millis): RolloutStep {
  const key = `task:${t.task}`;
  const intend = (intent: IntentEvent): RolloutStep => ({
    key,
    events: [intent],
    effect: effectOf(t, storedRolloutEvent(intent)),
    reconcile: false,
  });
  const done = (event: RolloutEvent): RolloutStep => ({
    key,
    events: [event],
    effect: { kind: 'record' },
    reconcile: false,
  });
  const base = { at: now, task: t.task };

  if (t.direction === 'revert') {
    if (t.newContainerId !== undefined && !t.newRemoved) {
      return intend(rolloutEvent('ContainerRemoveRequested', { ...base, role: 'new', containerId: t.newContainerId }));
    }
    // The old container was never stopped (it still runs) or there was none: nothing to restore.
    if (!t.oldStopped || !t.oldContainerId) {
      return done(
        rolloutEvent('TaskRolledBack', {
          ...base,
          revision: t.oldContainerId ? s.fromRevision : undefined,
          containerId: t.oldContainerId ?? null,
        }),
      );
    }
    // The kept old container was removed outside cj: one of the old revision takes its place (its create pulls the image back).
    if (t.oldMissing && s.fromRevision !== undefined) {
      const name = taskContainerName(s, t.task, s.fromRevision);
      return intend(rolloutEvent('ContainerCreateRequested', { ...base, role: 'old', revision: s.fromRevision, name }));
    }
    if (!t.oldRestarted) {
      return intend(rolloutEvent('ContainerStartRequested', { ...base, role: 'old', containerId: t.oldContainerId }));
    }
    return gateStep(s, t, now, () =>
      rolloutEvent('TaskRolledBack', { ...base, revision: s.fromRevision, containerId: t.oldContainerId ?? null }),
    );
  }

  const stopOld = () =>
    intend(rolloutEvent('ContainerStopRequested', { ...base, role: 'old', revision: s.fromRevision }));
  if (s.policy.order === 'stop-first' && !t.oldStopped) return stopOld();
  if (t.newContainerId === undefined) {
    const name = taskContainerName(s, t.task, s.toRevision);
    return intend(rolloutEvent('ContainerCreateRequested', { ...base, role: 'new', revision: s.toRevision, name }));
  }
  if (!t.newStarted)
    return intend(rolloutEvent('ContainerStartRequested', { ...base, role: 'new', containerId: t.newContainerId }));
  const newId = t.newContainerId;
  const updated = () =>
    rolloutEvent('TaskUpdated', { ...base, revision: s.toRevision, containerId: newId, ...downtime(s, t) });
  if (s.policy.order === 'start-first' && t.gate && gatePassed(gateTerms(s, t, t.gate), t.gate))
    return t.oldStopped ? done(updated()) : stopOld();
  return gateStep(s, t, now, updated);
}

/**
 * A task's downtime as it is updated: stop-first, from its old container's stop to the new one's
 * first passing check; start-first, none (the old one served until the new one passed).
 */
function downtime(s: ActiveRollout, t: TaskState): { downtimeMs?: Millis } {
  if (s.policy.order === 'start-first') return t.oldStopped && t.oldContainerId ? { downtimeMs: 0 } : {};
  if (t.oldStoppedAt === undefined || t.firstPassAt === undefined) return {};
  return { downtimeMs: Math.max(0, t.firstPassAt - t.oldStoppedAt) };
}

/** What a gate asks for: continuous health this long, by this time; `within` names the deadline in a failure. */
interface GateTerms {
  readonly minHealthyTime: Millis;
  readonly deadline: Millis;
  readonly within: string;
}

/** The policy's gate; a revert pass's after an abort, the abort's own short one. */
function gateTerms(s: ActiveRollout, t: TaskState, gate: HealthGate): GateTerms {
  if (s.status === 'aborting' && t.direction === 'revert') {
    const from = Math.max(gate.openedAt, s.abortRequestedAt ?? gate.openedAt);
    return {
      minHealthyTime: ABORT_MIN_HEALTHY_TIME,
      deadline: from + ABORT_HEALTHY_DEADLINE,
      within: `the abort's deadline of ${seconds(ABORT_HEALTHY_DEADLINE)}`,
    };
  }
  return {
    minHealthyTime: s.policy.minHealthyTime,
    deadline: gate.openedAt + s.policy.healthyDeadline,
    within: `the healthy deadline of ${seconds(s.policy.healthyDeadline)}`,
  };
}

const gatePassed = (terms: GateTerms, gate: HealthGate): boolean =>
  gate.healthySince !== undefined && (gate.lastCheckAt ?? 0) - gate.healthySince >= terms.minHealthyTime;

/** The health gate: passed, failed at once (the container is lost) or at its deadline, or the next check. */
function gateStep(s: ActiveRollout, t: TaskState, now: Millis, passed: () => RolloutEvent): RolloutStep {
  const key = `task:${t.task}`;
  const gate = t.gate;
  if (!gate || !t.since) throw new Error(`task ${t.task} reached its health gate without a started container`);
  if (gate.fatal !== undefined) {
    const reason = `${gate.fatal}, ${seconds((gate.lastCheckAt ?? gate.openedAt) - gate.openedAt)} after it was started`;
    return {
      key,
      events: [rolloutEvent('TaskUpdateFailed', { at: now, task: t.task, reason })],
      effect: { kind: 'record' },
      reconcile: false,
    };
  }
  const terms = gateTerms(s, t, gate);
  if (gatePassed(terms, gate)) {
    return { key, events: [passed()], effect: { kind: 'record' }, reconcile: false };
  }
  const { deadline } = terms;
  if (gate.lastCheckAt !== undefined && gate.lastCheckAt >= deadline) {
    const reason = `not healthy for ${seconds(terms.minHealthyTime)} within ${terms.within} (${gate.checks} checks; last: ${gate.lastDetail ?? 'none'})`;
    return {
      key,
      events: [rolloutEvent('TaskUpdateFailed', { at: now, task: t.task, reason })],
      effect: { kind: 'record' },
      reconcile: false,
    };
  }
  let at: Millis;
  if (gate.lastCheckAt === undefined) at = gate.openedAt;
  else if (gate.healthySince === undefined)
    at = gate.lastCheckAt + Math.min(s.probeInterval, FIRST_RECHECK * 2 ** Math.max(0, gate.checks - 1));
  else at = Math.min(gate.lastCheckAt + s.probeInterval, gate.healthySince + terms.minHealthyTime);
  return {
    key,
    events: [],
    effect: {
      kind: 'probe-health',
      task: t.task,
      host: t.host,
      port: t.port,
      containerId: gate.containerId,
      since: t.since,
      at: Math.min(at, deadline),
    },
    reconcile: false,
  };
}

/** A task in the monitor window: failed (lost, or its check failed too often), its next check, or nothing once watched to the end. */
function watchStep(s: ActiveRollout, t: TaskState, monitor: MonitorWindow, now: Millis): RolloutStep | undefined {
  const key = `task:${t.task}`;
  const watch = t.watch;
  if (watch) {
    const failure =
      watch.fatal ??
      (watch.failedChecks >= (s.probeRetries ?? WATCH_FAILED_CHECKS)
        ? `its health check failed${watch.failedChecks > 1 ? ` ${watch.failedChecks} times in a row` : ''} (last: ${watch.lastDetail})`
        : undefined);
    if (failure !== undefined) {
      const reason = `${failure} during the monitor window, ${seconds(watch.lastCheckAt - monitor.since)} after it opened`;
      return {
        key,
        events: [rolloutEvent('TaskUpdateFailed', { at: now, task: t.task, reason })],
        effect: { kind: 'record' },
        reconcile: false,
      };
    }
  }
  if (watchedToTheEnd(t, monitor)) return undefined;
  const containerId = t.newContainerId;
  if (containerId === undefined || t.since === undefined)
    throw new Error(`task ${t.task} counts as updated without a started container`);
  // Checks keep the probe interval and one falls on the window's end; a run of failures past it is followed to its verdict.
  const from = watch?.lastCheckAt ?? monitor.since;
  const at = from < monitor.until ? Math.min(from + s.probeInterval, monitor.until) : from + s.probeInterval;
  return {
    key,
    events: [],
    effect: { kind: 'probe-health', task: t.task, host: t.host, port: t.port, containerId, since: t.since, at },
    reconcile: false,
  };
}

function checkStep(s: ActiveRollout, t: TaskState): RolloutStep {
  const containerId = t.newContainerId;
  if (containerId === undefined || t.since === undefined)
    throw new Error(`task ${t.task} counts as updated without a started container`);
  return {
    key: `task:${t.task}`,
    events: [],
    effect: {
      kind: 'check-container',
      task: t.task,
      host: t.host,
      containerId,
      since: t.since,
      batch: s.batchesCompleted,
    },
    reconcile: false,
  };
}

function effectOf(t: TaskState, intent: PendingIntent): RolloutEffect {
  const where = { task: t.task, host: t.host, role: intent.role };
  switch (intent.type) {
    case 'ContainerStopRequested':
      return { kind: 'stop-container', ...where, containerId: intent.role === 'new' ? t.newContainerId : undefined };
    case 'ContainerRemoveRequested':
      return { kind: 'remove-container', ...where, containerId: intent.containerId };
    case 'ContainerCreateRequested':
      return { kind: 'create-container', ...where, port: t.port, revision: intent.revision, name: intent.name };
    case 'ContainerStartRequested':
      return { kind: 'start-container', ...where, containerId: intent.containerId };
    default: {
      const unknown: never = intent;
      return unknown;
    }
  }
}
