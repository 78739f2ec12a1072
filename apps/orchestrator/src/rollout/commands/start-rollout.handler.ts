import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { RolloutView } from '@cj/api';
import { RolloutCommands } from '../rollout-commands';
import { RolloutAnswer } from './rollout-answer';
import { asProblem } from './rollout-problems';
import { StartRolloutCommand } from './rollout.commands';

/** Marks the job stream (one active rollout per job, its start recorded there) and begins the rollout's stream; the runner drives it. */
@CommandHandler(StartRolloutCommand)
export class StartRolloutHandler implements ICommandHandler<StartRolloutCommand, RolloutView> {
  constructor(
    @Inject(RolloutCommands) private readonly commands: RolloutCommands,
    private readonly answer: RolloutAnswer,
  ) {}

  async execute(command: StartRolloutCommand): Promise<RolloutView> {
    const { env, job, fromRevision, toRevision, spec, overrides, rollbackOf, register, context } = command;
    const change = await asProblem(
      this.commands.start({ env, job, fromRevision, toRevision, spec, overrides, rollbackOf, register }, context),
    );
    return this.answer.of(env, change);
  }
}
