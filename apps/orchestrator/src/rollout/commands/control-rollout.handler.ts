import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { RolloutView } from '@cj/api';
import { RolloutCommands } from '../rollout-commands';
import { RolloutAnswer } from './rollout-answer';
import { asProblem } from './rollout-problems';
import { ControlRolloutCommand } from './rollout.commands';

/** Pause (no new batch starts; tasks in flight finish), resume, or abort a rollout. */
@CommandHandler(ControlRolloutCommand)
export class ControlRolloutHandler implements ICommandHandler<ControlRolloutCommand, RolloutView> {
  constructor(
    @Inject(RolloutCommands) private readonly commands: RolloutCommands,
    private readonly answer: RolloutAnswer,
  ) {}

  async execute({ env, id, control, context }: ControlRolloutCommand): Promise<RolloutView> {
    const change = await asProblem(this.commands[control](env, id, context));
    return this.answer.of(env, change);
  }
}
