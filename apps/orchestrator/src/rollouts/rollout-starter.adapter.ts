import { Inject, Injectable } from '@nestjs/common';
import type { BeginRollout } from '@cj/domain';
import type { CommandContext } from '../store/command-context';
import type { RolloutRequest, RolloutStarter } from '../apply/rollout-starter';
import { RolloutService } from './rollout.service';

/** How apply hands a running job's new revision to the rollout workflow. */
@Injectable()
export class RolloutServiceStarter implements RolloutStarter {
  constructor(@Inject(RolloutService) private readonly rollouts: RolloutService) {}

  begin(request: RolloutRequest, context: CommandContext): BeginRollout {
    return this.rollouts.beginCommand(request, context, true);
  }

  async started(env: string, job: string, rolloutId: string): Promise<void> {
    await this.rollouts.beginStream(env, job, rolloutId);
  }
}
