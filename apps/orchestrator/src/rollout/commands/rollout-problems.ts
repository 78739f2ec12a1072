import { RolloutError, type RolloutErrorCode } from '@cj/domain';
import { ProblemError } from '../../http/problem';

const STATUS: Readonly<Record<RolloutErrorCode, number>> = {
  ROLLOUT_NOT_FOUND: 404,
  ROLLOUT_ALREADY_EXISTS: 409,
  ROLLOUT_FINISHED: 409,
  ROLLOUT_NOT_RUNNING: 409,
  ROLLOUT_NOT_PAUSED: 409,
  INVALID_ROLLOUT: 422,
};
const TITLES: Readonly<Record<number, string>> = { 404: 'Not found', 409: 'Conflict', 422: 'Unprocessable request' };

/** The rollout workflow's refusals as API problems; anything else is passed on as it is. */
export async function asProblem<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw problemOf(error);
  }
}

/** A rollout refusal as its API problem; anything else as it is. */
export function problemOf(error: unknown): unknown {
  return error instanceof RolloutError ? rolloutProblem(error) : error;
}

/** The API problem of a rollout refusal: its status follows its code. */
export function rolloutProblem(error: RolloutError): ProblemError {
  const status = STATUS[error.code];
  return new ProblemError(
    status,
    error.code.toLowerCase().replace(/_/g, '-'),
    TITLES[status],
    error.message,
    error.hint,
  );
}
