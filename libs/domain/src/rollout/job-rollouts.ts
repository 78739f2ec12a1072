/**
 * The rollout marks a job's own stream (`cj.<env>.job.<name>`) carries, so that appending to the
 * job stream at an expected revision lets only one rollout of a job be active at a time.
 */
import type { Millis } from '../jobs-file/model';
import { ROLLOUT_EVENT_SCHEMA_VERSION } from './events';
import { RolloutError } from './errors';
import type { ActiveRollout, RolloutStatus } from './state';

export interface JobRolloutStarted {
  readonly type: 'JobRolloutStarted';
  readonly schemaVersion: typeof ROLLOUT_EVENT_SCHEMA_VERSION;
  readonly at: Millis;
  readonly rolloutId: string;
  readonly fromRevision?: number;
  readonly toRevision: number;
}

export interface JobRolloutEnded {
  readonly type: 'JobRolloutEnded';
  readonly schemaVersion: typeof ROLLOUT_EVENT_SCHEMA_VERSION;
  readonly at: Millis;
  readonly rolloutId: string;
  readonly status: RolloutStatus;
  /** The revision every task runs now, when the rollout left the job on one. */
  readonly revision?: number;
}

export type JobRolloutEvent = JobRolloutStarted | JobRolloutEnded;

export const JOB_ROLLOUT_EVENT_TYPES: readonly string[] = ['JobRolloutStarted', 'JobRolloutEnded'];

export interface JobRollouts {
  readonly active?: { readonly rolloutId: string; readonly toRevision: number };
  /** Revisions every task ran at the end of a rollout, oldest first: the candidates for a rollback. */
  readonly goodRevisions: readonly number[];
}

/** Folds the rollout marks of a job stream, ignoring every other event of it. */
export function foldJobRollouts(events: readonly { type: string; data: unknown }[]): JobRollouts {
  let state: JobRollouts = { goodRevisions: [] };
  for (const { type, data } of events) {
    if (type === 'JobRolloutStarted') {
      const e = data as JobRolloutStarted;
      state = { ...state, active: { rolloutId: e.rolloutId, toRevision: e.toRevision } };
    } else if (type === 'JobRolloutEnded') {
      const e = data as JobRolloutEnded;
      const goodRevisions = e.revision === undefined ? state.goodRevisions : [...state.goodRevisions.filter((r) => r !== e.revision), e.revision];
      state = { active: state.active?.rolloutId === e.rolloutId ? undefined : state.active, goodRevisions };
    }
  }
  return state;
}

/** The job-stream mark of a new rollout, refused while another rollout of the job is active. */
export function decideJobRolloutStart(
  job: string,
  state: JobRollouts,
  command: { rolloutId: string; fromRevision?: number; toRevision: number; now: Millis },
): JobRolloutStarted {
  if (state.active && state.active.rolloutId !== command.rolloutId) {
    throw new RolloutError(
      'ROLLOUT_ALREADY_EXISTS',
      `job ${job} already has rollout ${state.active.rolloutId} in progress (to revision ${state.active.toRevision})`,
      `wait for it, or pause or abort it: POST …/rollouts/${state.active.rolloutId}/abort`,
    );
  }
  return {
    type: 'JobRolloutStarted',
    schemaVersion: ROLLOUT_EVENT_SCHEMA_VERSION,
    at: command.now,
    rolloutId: command.rolloutId,
    fromRevision: command.fromRevision,
    toRevision: command.toRevision,
  };
}

export const jobStreamId = (env: string, job: string): string => `cj.${env}.job.${job}`;

/** The job-stream mark of a finished rollout: which revision the whole job runs now, if one. */
export function jobRolloutEnded(rollout: ActiveRollout, at: Millis): JobRolloutEnded {
  const uniform =
    rollout.status === 'succeeded' && rollout.failedTasks.length === 0
      ? rollout.toRevision
      : rollout.status === 'rolled-back'
        ? rollout.fromRevision
        : undefined;
  return { type: 'JobRolloutEnded', schemaVersion: ROLLOUT_EVENT_SCHEMA_VERSION, at, rolloutId: rollout.id, status: rollout.status, revision: uniform };
}
