import type { BeginRollout } from '@cj/domain';
import type { JobSpec } from '@cj/api';
import type { CommandContext } from './command-context';

export interface RolloutRequest {
  readonly env: string;
  readonly job: string;
  readonly fromRevision?: number;
  readonly toRevision: number;
  readonly spec: JobSpec;
}

/**
 * Hands a running job's new revision to the rollout workflow, in two steps so that the caller
 * can record the rollout's start in the same append as the revision. Bound to the rollout
 * module's commands when the app has them; null otherwise (apply then refuses running jobs).
 */
export interface RolloutStarter {
  /** The job command that records the rollout's start; throws when the rollout would be refused. */
  begin(request: RolloutRequest, context: CommandContext): BeginRollout;
  /** Begins the rollout (its own stream) once its start is recorded on the job stream. */
  started(env: string, job: string, rolloutId: string): Promise<void>;
}

export const ROLLOUT_STARTER = Symbol('RolloutStarter');
