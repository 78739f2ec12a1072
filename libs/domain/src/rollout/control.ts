/**
 * The commands an operator (or apply/update) gives a rollout: start it, pause, resume, abort.
 * Each validates against the folded state and returns the events to append, or throws a
 * RolloutError that says what is wrong and what to do.
 */
import type { Millis } from '@cj/api';
import { rolloutEvent, type RolloutEvent, type RolloutIdentity, type RolloutStarted, type RolloutTask } from './events';
import { RolloutError } from './errors';
import { planBatches } from './plan';
import { isFinished, type ActiveRollout, type RolloutState } from './state';

export interface StartRollout extends RolloutIdentity {
  /** The tasks of the target revision, with the port each one's current container listens on. */
  readonly tasks: readonly (RolloutTask & { readonly fromPort?: number })[];
  readonly now: Millis;
}

export function decideStart(state: RolloutState, command: StartRollout): RolloutEvent[] {
  if (state.exists) {
    throw new RolloutError(
      'ROLLOUT_ALREADY_EXISTS',
      `rollout ${command.id} of job ${command.job} already exists`,
      'start a rollout with a new id',
    );
  }
  const { policy, tasks } = command;
  const where = `rollout of job ${command.job} in ${command.env}`;
  if (tasks.length === 0) {
    throw new RolloutError(
      'INVALID_ROLLOUT',
      `${where}: the job has no tasks to update`,
      'place the job on at least one host',
    );
  }
  if (policy.minHealthyTime > policy.healthyDeadline) {
    throw new RolloutError(
      'INVALID_ROLLOUT',
      `${where}: minHealthyTime (${policy.minHealthyTime} ms) is longer than healthyDeadline (${policy.healthyDeadline} ms), so no task could ever pass`,
      'raise healthyDeadline or lower minHealthyTime',
    );
  }
  if (policy.monitor !== undefined && !(Number.isFinite(policy.monitor) && policy.monitor >= 0)) {
    throw new RolloutError(
      'INVALID_ROLLOUT',
      `${where}: monitor must be 0 or more milliseconds, got ${policy.monitor}`,
      'write the monitor window as a duration such as 5s, or 0 for none',
    );
  }
  if (!(policy.maxFailureRatio >= 0 && policy.maxFailureRatio <= 1)) {
    throw new RolloutError(
      'INVALID_ROLLOUT',
      `${where}: maxFailureRatio must be between 0 and 1, got ${policy.maxFailureRatio}`,
    );
  }
  if (!Number.isInteger(policy.maxParallel) || policy.maxParallel < 1) {
    throw new RolloutError(
      'INVALID_ROLLOUT',
      `${where}: maxParallel must be a whole number of at least 1, got ${policy.maxParallel}`,
    );
  }
  if (policy.order === 'start-first') {
    const clash = tasks.find(
      (t) => command.fromRevision !== undefined && (t.fromPort === undefined || t.fromPort === t.port),
    );
    if (clash) {
      throw new RolloutError(
        'INVALID_ROLLOUT',
        `${where}: start-first would run two containers on port ${clash.port} of host ${clash.host} (task ${clash.task}) at once`,
        'use order stop-first, or give the new revision a different port',
      );
    }
  }
  const started: RolloutStarted = rolloutEvent('RolloutStarted', {
    at: command.now,
    id: command.id,
    env: command.env,
    job: command.job,
    fromRevision: command.fromRevision,
    toRevision: command.toRevision,
    policy,
    probeInterval: command.probeInterval,
    ...(command.probeRetries !== undefined && { probeRetries: command.probeRetries }),
    tasks: tasks.map(({ task, host, port }) => ({ task, host, port })),
    batches: planBatches(tasks, policy.maxParallel),
    rollbackOf: command.rollbackOf,
  });
  return [started];
}

function active(state: RolloutState, id: string): ActiveRollout {
  if (!state.exists)
    throw new RolloutError(
      'ROLLOUT_NOT_FOUND',
      `rollout ${id} does not exist`,
      'list rollouts with GET /v1/envs/{env}/rollouts',
    );
  if (isFinished(state)) {
    throw new RolloutError(
      'ROLLOUT_FINISHED',
      `rollout ${state.id} of job ${state.job} has already ${state.status}`,
      'start a new rollout or a rollback',
    );
  }
  return state;
}

export function decidePause(
  state: RolloutState,
  command: { id: string; reason?: string; now: Millis },
): RolloutEvent[] {
  const s = active(state, command.id);
  if (s.status === 'paused') return [];
  if (s.status !== 'running') {
    const hint = s.status === 'aborting' ? 'an abort ends within seconds: wait for it' : 'abort it instead';
    throw new RolloutError(
      'ROLLOUT_NOT_RUNNING',
      `rollout ${s.id} is ${s.status}; only a running rollout can be paused`,
      hint,
    );
  }
  return [rolloutEvent('RolloutPaused', { at: command.now, reason: command.reason ?? 'paused by an operator' })];
}

export function decideResume(
  state: RolloutState,
  command: { id: string; reason?: string; now: Millis },
): RolloutEvent[] {
  const s = active(state, command.id);
  if (s.status === 'running') return [];
  if (s.status !== 'paused') {
    throw new RolloutError(
      'ROLLOUT_NOT_PAUSED',
      `rollout ${s.id} is ${s.status}; only a paused rollout can be resumed`,
    );
  }
  return [rolloutEvent('RolloutResumed', { at: command.now, reason: command.reason })];
}

/**
 * Abort always ends a rollout, whatever it is doing (running, paused, rolling back): `decide` stops
 * waiting on gates and reverts what the rollout touched through a short gate of its own.
 */
export function decideAbort(
  state: RolloutState,
  command: { id: string; reason?: string; now: Millis },
): RolloutEvent[] {
  const s = active(state, command.id);
  if (s.status === 'aborting') return [];
  return [
    rolloutEvent('RolloutAbortRequested', { at: command.now, reason: command.reason ?? 'aborted by an operator' }),
  ];
}
