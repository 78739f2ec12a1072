import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { RolloutView } from '@cj/domain';
import { RolloutService } from './rollout.service';
import { RolloutAnswer } from './rollout-answer';
import { asProblem } from './rollout-problems';
import { StartRolloutCommand } from './rollout.command';

/** Marks the job stream (one active rollout per job, its start recorded there) and begins the rollout's stream; the runner drives it. */
@CommandHandler(StartRolloutCommand)
export class StartRolloutHandler implements ICommandHandler<StartRolloutCommand, RolloutView> {
  constructor(
    @Inject(RolloutService) private readonly rollouts: RolloutService,
    private readonly answer: RolloutAnswer,
  ) {}

  async execute(command: StartRolloutCommand): Promise<RolloutView> {
    const { env, job, fromRevision, toRevision, spec, overrides, rollbackOf, register, context } = command;
    const change = await asProblem(
      this.rollouts.start({ env, job, fromRevision, toRevision, spec, overrides, rollbackOf, register }, context),
    );
    return this.answer.of(env, change);
  }
}
