import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '@cj/event-store';
import { OPTIONS } from './config/options.token';
import type { OrchestratorOptions } from './config/options';
import { ImageRegistries } from './hosts/image-registries';
import { ObservationLoop } from './observation/observation-loop';
import { StatsSampler } from './observation/stats-sampler';
import { RolloutRunner } from './rollout/rollout-runner';
import { SqliteRunnerCheckpoint } from './rollout/runner-checkpoint';
import { ProjectionRunner } from './read-model/projection-runner';
import { READ_DB } from './read-model/read-db.token';
import type { ReadDb } from './read-model/read-db';
import { EVENT_STORE } from './store/open-event-store';

/**
 * Starts the background work in order (read models, then the rollout runner, then observation)
 * and stops it on shutdown, rollouts first, closing the store and the read-model database last.
 */
@Injectable()
export class Lifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('orchestrator');

  constructor(
    @Inject(OPTIONS) private readonly options: OrchestratorOptions,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly readDb: ReadDb,
    private readonly projections: ProjectionRunner,
    private readonly observation: ObservationLoop,
    private readonly stats: StatsSampler,
    private readonly registries: ImageRegistries,
    private readonly rollouts: RolloutRunner,
    private readonly rolloutCheckpoint: SqliteRunnerCheckpoint,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.rebuildProjections) await this.projections.rebuild();
    else this.projections.start();
    await this.projections.caughtUp();
    // Rollouts resume once the read models know the hosts; a crash left them where their streams say.
    await this.rollouts.start();
    this.observation.start(this.options.observeIntervalMs);
    this.stats.start(this.options.statsIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.rollouts.stop();
    await this.stats.stop();
    await this.observation.stop();
    await this.projections.stop();
    await this.registries.close();
    await this.store.close();
    this.rolloutCheckpoint.close();
    this.readDb.close();
    this.logger.log({ msg: 'stopped' });
  }
}
