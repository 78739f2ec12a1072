import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { previousGoodRevision } from '@cj/domain';
import { conflict, notFound } from '../http/problem';
import { StreamWriter } from '../store/stream-writer';
import { RolloutService } from './rollout.service';
import { jobToRoll } from './job-to-roll';
import { RollbackCommand } from './rollout.command';
import { RolloutAnswer } from './rollout-answer';
import type { RolloutView } from '@cj/api';

/**
 * `cj rollback JOB [--to N]`: a rollout back to an earlier revision as it was recorded (same
 * digest, same spec), through the same health gates. No revision is recorded: when the rollout
 * succeeds, the job's end mark makes the earlier revision the current one again, so the history
 * keeps one entry per spec and shows which one is current.
 */
@CommandHandler(RollbackCommand)
export class RollbackHandler implements ICommandHandler<RollbackCommand, RolloutView> {
  constructor(
    private readonly writer: StreamWriter,
    @Inject(RolloutService) private readonly rollouts: RolloutService,
    private readonly answer: RolloutAnswer,
  ) {}

  async execute({ env, job, toRevision, overrides, context }: RollbackCommand): Promise<RolloutView> {
    const { state, current, running } = await jobToRoll(this.writer, this.rollouts, env, job, context.commandId);
    const target = toRevision ?? previousGoodRevision(state);
    if (target === undefined) {
      throw conflict(
        'no-previous-revision',
        `job ${job} has no earlier revision that ran`,
        `name one with cj rollback ${job} --to N (see cj history ${job})`,
      );
    }
    const spec = state.revisions[target];
    if (!spec)
      throw notFound(
        'revision-not-found',
        `job ${job} has no revision ${target}`,
        `see its revisions with cj history ${job}`,
      );
    if (target === current.revision && target === running) {
      throw conflict(
        'already-at-revision',
        `job ${job} already runs revision ${target}`,
        `pick another one with --to (see cj history ${job})`,
      );
    }
    const change = await this.rollouts.start(
      { env, job, fromRevision: running, toRevision: target, spec, overrides, rollbackOf: { revision: target } },
      context,
    );
    return this.answer.of(env, change);
  }
}
