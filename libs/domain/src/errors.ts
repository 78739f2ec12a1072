/** Why a rollout command was refused. */
export type RolloutErrorCode =
  | 'ROLLOUT_NOT_FOUND'
  | 'ROLLOUT_ALREADY_EXISTS'
  | 'ROLLOUT_FINISHED'
  | 'ROLLOUT_NOT_RUNNING'
  | 'ROLLOUT_NOT_PAUSED'
  | 'INVALID_ROLLOUT';

/** Why a replicate could not be planned. */
export type ReplicateRefusalCode =
  | 'same-environment'
  | 'environment-empty'
  | 'host-not-mapped'
  | 'host-not-declared'
  | 'host-mapped-twice'
  | 'bad-endpoint'
  | 'rollout-in-progress';

/** Every code a domain refusal carries: what the API answers is chosen by it. */
export type DomainErrorCode =
  | 'JobNotFound'
  | 'JobRemoved'
  | 'JobNameMismatch'
  | 'UnknownRevision'
  | 'UnknownTask'
  | 'RolloutInProgress'
  | 'job-running'
  | 'hosts-held'
  | RolloutErrorCode
  | ReplicateRefusalCode;

/**
 * A command an aggregate's history does not allow: deciders return it (they never throw), with
 * a code to act on, a message that says what is wrong and, mostly, a hint of what to do.
 */
export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  abstract readonly hint?: string;
}

export class JobNotFoundError extends DomainError {
  readonly code = 'JobNotFound';
  override readonly name = 'JobNotFoundError';
  readonly hint: string;

  /** `where`: the environment asked, and whether the job was there once (removed since). */
  constructor(
    readonly job: string,
    where?: { readonly env: string; readonly removed: boolean },
  ) {
    super(
      where === undefined
        ? `job "${job}" is not registered`
        : where.removed
          ? `job ${job} was removed from environment ${where.env}`
          : `environment ${where.env} has no job ${job}`,
    );
    this.hint =
      where === undefined
        ? 'apply a jobs file that declares this job first'
        : `list the jobs with cj status --env ${where.env}, or apply a jobs file that declares ${job}`;
  }
}

/** A job is removed once it is stopped: removing one that runs would leave its containers behind. */
export class JobRunningError extends DomainError {
  readonly code = 'job-running';
  override readonly name = 'JobRunningError';
  readonly hint: string;

  constructor(readonly job: string) {
    super(`job ${job} is running and the file no longer declares it`);
    this.hint = `stop it first with cj down ${job}, then apply again`;
  }
}

export class JobRemovedError extends DomainError {
  readonly code = 'JobRemoved';
  override readonly name = 'JobRemovedError';
  readonly hint = 'apply a jobs file that declares the job again to bring it back';

  constructor(readonly job: string) {
    super(`job "${job}" was removed`);
  }
}

export class JobNameMismatchError extends DomainError {
  readonly code = 'JobNameMismatch';
  override readonly name = 'JobNameMismatchError';
  readonly hint = 'send the command to the stream of the job it names';

  constructor(
    readonly job: string,
    readonly named: string,
  ) {
    super(`command for job "${named}" was sent to the stream of job "${job}"`);
  }
}

export class UnknownRevisionError extends DomainError {
  readonly code = 'UnknownRevision';
  override readonly name = 'UnknownRevisionError';
  readonly hint = "use a revision from the job's history";

  constructor(
    readonly job: string,
    readonly revision: number,
  ) {
    super(`job "${job}" has no revision ${revision}`);
  }
}

export class UnknownTaskError extends DomainError {
  readonly code = 'UnknownTask';
  override readonly name = 'UnknownTaskError';
  readonly hint = 'use a task index of the revision the container runs';

  constructor(
    readonly job: string,
    readonly task: number,
    readonly revision: number,
  ) {
    super(`revision ${revision} of job "${job}" has no task ${task}`);
  }
}

export class RolloutInProgressError extends DomainError {
  readonly code = 'RolloutInProgress';
  override readonly name = 'RolloutInProgressError';
  readonly hint: string;

  constructor(
    readonly job: string,
    readonly rolloutId: string,
  ) {
    super(`job "${job}" has rollout ${rolloutId} in progress`);
    this.hint = `wait for it (cj rollout status ${rolloutId} --wait), or stop it first (cj rollout abort ${rolloutId})`;
  }
}

/** A rollout command refused: its state does not allow it, or the rollout asked for could never run. */
export class RolloutError extends DomainError {
  override readonly name = 'RolloutError';

  constructor(
    readonly code: RolloutErrorCode,
    message: string,
    /** What the operator can do about it. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}

/** The events a decider returned for a command; throws the refusal it returned instead. */
export function accepted<E>(decided: readonly E[] | DomainError): readonly E[] {
  if (isDomainError(decided)) throw decided;
  return decided;
}
