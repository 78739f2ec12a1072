import type { BeginRollout, RevisionChange } from '@cj/domain';
import type { CommandContext } from '../store/command-context';
import type { JobSpec } from '@cj/api';

export interface RolloutRequest extends RevisionChange {
  readonly spec: JobSpec;
}

/**
 * Hands a running job's new revision to the rollout workflow, in two steps so that the caller
 * can record the rollout's start in the same append as the revision. Bound to `RolloutService`
 * by the rollout module.
 */
export interface RolloutStarter {
  /** The job command that records the rollout's start; throws when the rollout would be refused. */
  begin(request: RolloutRequest, context: CommandContext): BeginRollout;
  /** Begins the rollout (its own stream) once its start is recorded on the job stream. */
  started(env: string, job: string, rolloutId: string): Promise<void>;
}

export const ROLLOUT_STARTER = Symbol('RolloutStarter');
