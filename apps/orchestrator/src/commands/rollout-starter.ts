import type { JobSpec } from '@cj/domain';
import type { CommandContext } from './command-context';

export interface RolloutRequest {
  readonly env: string;
  readonly job: string;
  readonly fromRevision?: number;
  readonly toRevision: number;
  readonly spec: JobSpec;
}

/**
 * Hands a running job's new revision to the rollout workflow. Bound to the rollout module's
 * StartRolloutCommand when the app has one; null otherwise (apply then refuses running jobs).
 */
export interface RolloutStarter {
  /** Returns the rollout id. */
  start(request: RolloutRequest, context: CommandContext): Promise<string>;
}

export const ROLLOUT_STARTER = Symbol('RolloutStarter');
