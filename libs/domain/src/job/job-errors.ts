/** A command the job's history does not allow. Carries what the caller needs to act. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly hint: string;
}

export class JobNotFoundError extends DomainError {
  readonly code = 'JobNotFound';
  override readonly name = 'JobNotFoundError';
  readonly hint = 'apply a jobs file that declares this job first';

  constructor(readonly job: string) {
    super(`job "${job}" is not registered`);
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

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}
