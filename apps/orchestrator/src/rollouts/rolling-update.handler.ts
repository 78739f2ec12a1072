import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { isMissingImage, missingImage } from '../apply/missing-image';
import { unprocessable } from '../http/problem';
import { ImageRegistries } from '../hosts/image-registries';
import { StreamWriter } from '../store/stream-writer';
import { RolloutService } from './rollout.service';
import { jobToRoll } from './job-to-roll';
import { RollingUpdateCommand } from './rollout.command';
import { RolloutAnswer } from './rollout-answer';
import type { ImageRef, JobSpec, RolloutView } from '@cj/api';

/**
 * `cj rolling-update JOB --tag T` and `cj update JOB T`: pin the tag to its digest in the registry
 * now, record it as the job's next revision (nothing new when it is what the job has) together
 * with the rollout's start, and roll every task to it. Without a tag the recorded one is resolved again, so a moved tag goes out too;
 * when nothing changed the rollout replaces each task's container all the same (a rolling restart).
 */
@CommandHandler(RollingUpdateCommand)
export class RollingUpdateHandler implements ICommandHandler<RollingUpdateCommand, RolloutView> {
  constructor(
    private readonly writer: StreamWriter,
    private readonly registries: ImageRegistries,
    @Inject(RolloutService) private readonly rollouts: RolloutService,
    private readonly answer: RolloutAnswer,
  ) {}

  async execute({ env, job, tag, overrides, context }: RollingUpdateCommand): Promise<RolloutView> {
    const { current, running } = await jobToRoll(this.writer, this.rollouts, env, job, context.commandId);
    const image = { ...current.spec.image, tag: tag ?? current.spec.image.tag, digest: undefined };
    const spec: JobSpec = { ...current.spec, image: { ...image, digest: await this.digestOf(job, image) } };
    // The revision and the rollout's start are one append: both are recorded, or neither is.
    const change = await this.rollouts.start(
      { env, job, fromRevision: running, toRevision: current.revision, spec, overrides, register: true },
      context,
    );
    return this.answer.of(env, change);
  }

  /** The tag's digest now; a tag the registry lacks is refused naming the job and the tags it has. */
  private async digestOf(job: string, image: ImageRef): Promise<string> {
    const registry = this.registries.for(image);
    try {
      return (await registry.resolve(image.repository, image.tag)).digest;
    } catch (error) {
      if (!isMissingImage(error)) throw error;
      const { message, hint } = await missingImage(job, image, error, registry);
      throw unprocessable('image-not-in-registry', message, hint);
    }
  }
}
