import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandContext } from '../commands/command-context';
import type { RolloutRequest, RolloutStarter } from '../commands/rollout-starter';
import { StartRolloutCommand } from './commands/rollout.commands';

/** How apply hands a running job's new revision to the rollout workflow. */
@Injectable()
export class CommandBusRolloutStarter implements RolloutStarter {
  constructor(private readonly bus: CommandBus) {}

  async start(request: RolloutRequest, context: CommandContext): Promise<string> {
    const view = await this.bus.execute(new StartRolloutCommand(request.env, request.job, request.fromRevision, request.toRevision, request.spec, context));
    return view.id;
  }
}
