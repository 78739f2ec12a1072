import { Inject, Injectable } from '@nestjs/common';
import type { BeginRollout } from '@cj/domain';
import type { CommandContext } from '../commands/command-context';
import type { RolloutRequest, RolloutStarter } from '../commands/rollout-starter';
import { problemOf } from './commands/rollout-problems';
import { RolloutCommands } from './rollout-commands';

/** How apply hands a running job's new revision to the rollout workflow. */
@Injectable()
export class RolloutCommandsStarter implements RolloutStarter {
  constructor(@Inject(RolloutCommands) private readonly commands: RolloutCommands) {}

  begin(request: RolloutRequest, context: CommandContext): BeginRollout {
    try {
      return this.commands.beginCommand(request, context, true);
    } catch (error) {
      throw problemOf(error);
    }
  }

  async started(env: string, job: string, rolloutId: string): Promise<void> {
    await this.commands.beginStream(env, job, rolloutId);
  }
}
