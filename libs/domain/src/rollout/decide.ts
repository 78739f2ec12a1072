import { RolloutError, type DomainError } from '../errors';
import { unreachable } from '../unreachable';
import type { AbortRollout, PauseRollout, ResumeRollout, RolloutCommand, StartRollout } from './commands';
import { rolloutEvent, type RolloutEvent, type RolloutStarted } from './events';
import { planBatches } from './plan';
import { isFinished, type ActiveRollout, type RolloutState } from './state';

/**
 * The rollout decider: what an operator's command means given the rollout's history. Returns the
 * events to append (none when the command is already in effect) or the error that forbids it.
 */
export function decideRollout(command: RolloutCommand, state: RolloutState): readonly RolloutEvent[] | DomainError {
  switch (command.type) {
    case 'StartRollout':
      return start(command, state);
    case 'PauseRollout':
      return pause(command, state);
    case 'ResumeRollout':
      return resume(command, state);
    case 'AbortRollout':
      return abort(command, state);
    default:
      return unreachable(command);
  }
}

function start(command: StartRollout, state: RolloutState): RolloutEvent[] | DomainError {
  const { data, now } = command;
  if (state.exists) {
    return new RolloutError(
      'ROLLOUT_ALREADY_EXISTS',
      `rollout ${data.id} of job ${data.job} already exists`,
      'start a rollout with a new id',
    );
  }
  const { policy, tasks } = data;
  const where = `rollout of job ${data.job} in ${data.env}`;
  if (tasks.length === 0) {
    return new RolloutError(
      'INVALID_ROLLOUT',
      `${where}: the job has no tasks to update`,
      'place the job on at least one host',
    );
  }
  if (policy.minHealthyTime > policy.healthyDeadline) {
    return new RolloutError(
      'INVALID_ROLLOUT',
      `${where}: minHealthyTime (${policy.minHealthyTime} ms) is longer than healthyDeadline (${policy.healthyDeadline} ms), so no task could ever pass`,
      'raise healthyDeadline or lower minHealthyTime',
    );
  }
  if (policy.monitor !== undefined && !(Number.isFinite(policy.monitor) && policy.monitor >= 0)) {
    return new RolloutError(
      'INVALID_ROLLOUT',
      `${where}: monitor must be 0 or more milliseconds, got ${policy.monitor}`,
      'write the monitor window as a duration such as 5s, or 0 for none',
    );
  }
  if (!(policy.maxFailureRatio >= 0 && policy.maxFailureRatio <= 1)) {
    return new RolloutError(
      'INVALID_ROLLOUT',
      `${where}: maxFailureRatio must be between 0 and 1, got ${policy.maxFailureRatio}`,
    );
  }
  if (!Number.isInteger(policy.maxParallel) || policy.maxParallel < 1) {
    return new RolloutError(
      'INVALID_ROLLOUT',
      `${where}: maxParallel must be a whole number of at least 1, got ${policy.maxParallel}`,
    );
  }
  if (policy.order === 'start-first') {
    const clash = tasks.find(
      (t) => data.fromRevision !== undefined && (t.fromPort === undefined || t.fromPort === t.port),
    );
    if (clash) {
      return new RolloutError(
        'INVALID_ROLLOUT',
        `${where}: start-first would run two containers on port ${clash.port} of host ${clash.host} (task ${clash.task}) at once`,
        'use order stop-first, or give the new revision a different port',
      );
    }
  }
  const started: RolloutStarted = rolloutEvent('RolloutStarted', {
    at: now,
    id: data.id,
    env: data.env,
    job: data.job,
    fromRevision: data.fromRevision,
    toRevision: data.toRevision,
    policy,
    probeInterval: data.probeInterval,
    ...(data.probeRetries !== undefined && { probeRetries: data.probeRetries }),
    tasks: tasks.map(({ task, host, port }) => ({ task, host, port })),
    batches: planBatches(tasks, policy.maxParallel),
    rollbackOf: data.rollbackOf,
  });
  return [started];
}

function active(state: RolloutState, id: string): ActiveRollout | RolloutError {
  if (!state.exists)
    return new RolloutError(
      'ROLLOUT_NOT_FOUND',
      `rollout ${id} does not exist`,
      'list rollouts with GET /v1/envs/{env}/rollouts',
    );
  if (isFinished(state)) {
    return new RolloutError(
      'ROLLOUT_FINISHED',
      `rollout ${state.id} of job ${state.job} has already ${state.status}`,
      'start a new rollout or a rollback',
    );
  }
  return state;
}

function pause(command: PauseRollout, state: RolloutState): RolloutEvent[] | DomainError {
  const s = active(state, command.data.id);
  if (s instanceof RolloutError) return s;
  if (s.status === 'paused') return [];
  if (s.status !== 'running') {
    const hint = s.status === 'aborting' ? 'an abort ends within seconds: wait for it' : 'abort it instead';
    return new RolloutError(
      'ROLLOUT_NOT_RUNNING',
      `rollout ${s.id} is ${s.status}; only a running rollout can be paused`,
      hint,
    );
  }
  return [rolloutEvent('RolloutPaused', { at: command.now, reason: command.data.reason ?? 'paused by an operator' })];
}

function resume(command: ResumeRollout, state: RolloutState): RolloutEvent[] | DomainError {
  const s = active(state, command.data.id);
  if (s instanceof RolloutError) return s;
  if (s.status === 'running') return [];
  if (s.status !== 'paused') {
    return new RolloutError(
      'ROLLOUT_NOT_PAUSED',
      `rollout ${s.id} is ${s.status}; only a paused rollout can be resumed`,
    );
  }
  return [rolloutEvent('RolloutResumed', { at: command.now, reason: command.data.reason })];
}

function abort(command: AbortRollout, state: RolloutState): RolloutEvent[] | DomainError {
  const s = active(state, command.data.id);
  if (s instanceof RolloutError) return s;
  if (s.status === 'aborting') return [];
  return [
    rolloutEvent('RolloutAbortRequested', { at: command.now, reason: command.data.reason ?? 'aborted by an operator' }),
  ];
}
