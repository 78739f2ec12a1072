import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RolloutService } from './rollout.service';
import { RolloutAnswer } from './rollout-answer';
import { ControlRolloutCommand } from './rollout.command';
import type { RolloutView } from '@cj/api';

/** Pause (no new batch starts; tasks in flight finish), resume, or abort a rollout. */
@CommandHandler(ControlRolloutCommand)
export class ControlRolloutHandler implements ICommandHandler<ControlRolloutCommand, RolloutView> {
  constructor(
    @Inject(RolloutService) private readonly rollouts: RolloutService,
    private readonly answer: RolloutAnswer,
  ) {}

  async execute({ env, id, control, context }: ControlRolloutCommand): Promise<RolloutView> {
    const change = await this.rollouts[control](env, id, context);
    return this.answer.of(env, change);
  }
}
