import { Command } from '@nestjs/cqrs';
import type { ReplicateResponse } from '@cj/domain';
import type { CommandContext } from '../command-context';

export type { ReplicateResponse };

/**
 * The talk's "replicable cluster": the source env's current job revisions recorded again in the
 * target env, each task moved to the host the map names. `up` then starts them there.
 */
export class ReplicateEnvironmentCommand extends Command<ReplicateResponse> {
  constructor(
    readonly sourceEnv: string,
    readonly targetEnv: string,
    /** Source host name → target host name. */
    readonly hostMap: Readonly<Record<string, string>>,
    readonly context: CommandContext,
  ) {
    super();
  }
}
