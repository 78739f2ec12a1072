/** Why a rollout command was refused: a code to act on and a message that says what to do. */
export type RolloutErrorCode =
  | 'ROLLOUT_NOT_FOUND'
  | 'ROLLOUT_ALREADY_EXISTS'
  | 'ROLLOUT_FINISHED'
  | 'ROLLOUT_NOT_RUNNING'
  | 'ROLLOUT_NOT_PAUSED'
  | 'INVALID_ROLLOUT';

export class RolloutError extends Error {
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
