import { Injectable } from '@nestjs/common';
import { toRolloutView } from '@cj/domain';
import { notFound } from '../http/problem';
import { ProjectionRunner } from '../read-model/projection-runner';
import { RolloutQueries } from '../read-model/queries/rollout-queries';
import type { RolloutChange } from './rollout.service';
import type { RolloutView } from '@cj/api';

/** A rollout command's answer: the rollout as the read model shows it once it has the change. */
@Injectable()
export class RolloutAnswer {
  constructor(
    private readonly projections: ProjectionRunner,
    private readonly rollouts: RolloutQueries,
  ) {}

  async of(env: string, change: RolloutChange): Promise<RolloutView> {
    if (change.position !== undefined) await this.projections.waitFor(change.position);
    const view = this.rollouts.view(env, change.id) ?? (change.state.exists ? toRolloutView(change.state) : undefined);
    if (!view)
      throw notFound(
        'rollout-not-found',
        `environment ${env} has no rollout ${change.id}`,
        `list them with cj rollout list --env ${env}`,
      );
    return view;
  }
}
