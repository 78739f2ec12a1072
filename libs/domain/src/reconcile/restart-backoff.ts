/**
 * How long reconcile waits before restarting a task again: 1 s before the first attempt, doubling
 * with each attempt up to a minute. A task that stayed up `stableMs` before it went down starts
 * over at the first attempt.
 */
export const RESTART_BACKOFF = { firstMs: 1_000, maxMs: 60_000, stableMs: 10_000 } as const;

/** The wait before attempt `attempt` (1-based), from when the task went down or the last attempt. */
export function restartDelay(attempt: number): number {
  return Math.min(RESTART_BACKOFF.firstMs * 2 ** Math.max(0, attempt - 1), RESTART_BACKOFF.maxMs);
}
