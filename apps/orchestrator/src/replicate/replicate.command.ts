import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../store/command-context';
import type { HostTarget, ReplicateResponse } from '@cj/api';

export type { ReplicateResponse };

/** What to replicate: all of the source's jobs now, as of an instant, or one job (at a revision). */
export interface ReplicateSelection {
  readonly asOf?: string;
  readonly job?: string;
  readonly revision?: number;
}

/**
 * The talk's "replicable cluster": the source env's job revisions recorded again in the target
 * env, each task moved to the host the map names, and rolled out where the target job runs.
 */
export class ReplicateEnvironmentCommand extends Command<ReplicateResponse> {
  constructor(
    readonly sourceEnv: string,
    readonly targetEnv: string,
    /** Source host name → target host (a name, or a host the replicate declares). */
    readonly hostMap: Readonly<Record<string, string | HostTarget>>,
    readonly selection: ReplicateSelection,
    readonly flags: { readonly dryRun: boolean; readonly noDeploy: boolean },
    readonly context: CommandContext,
  ) {
    super();
  }
}
