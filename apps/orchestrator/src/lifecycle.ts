import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { describeLocation } from '@cj/domain';
import type { EventStore } from '@cj/event-store';
import { OPTIONS } from './config/options.token';
import type { OrchestratorOptions } from './config/options';
import { ImageRegistries } from './hosts/image-registries';
import { ObservationLoop } from './observation/observation-loop';
import { StatsSampler } from './observation/stats-sampler';
import { RolloutRunner } from './rollouts/rollout-runner';
import { SqliteRunnerCheckpoint } from './rollouts/runner-checkpoint';
import { ProjectionRunner } from './read-model/projection-runner';
import { READ_DB } from './read-model/read-db.token';
import type { ReadDb } from './read-model/read-db';
import { CJ_STREAM_PREFIX } from './read-model/projection-runner';
import { verifyChains } from './store/hash-chain';
import { EVENT_STORE } from './store/open-event-store';
import { StoreHealth } from './store/store-health';
import { StoreIdentities } from './store/store-identity';

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
    private readonly storeHealth: StoreHealth,
    private readonly identities: StoreIdentities,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.verifyLog();
    await this.establishIdentity();
    if (this.options.rebuildProjections) await this.projections.rebuild();
    else this.projections.start();
    this.storeHealth.start();
    await this.projections.caughtUp();
    // Rollouts resume once the read models know the hosts; a crash left them where their streams say.
    await this.rollouts.start();
    this.observation.start(this.options.observeIntervalMs);
    this.stats.start(this.options.statsIntervalMs);
  }

  /**
   * A log whose hash chains are broken was altered outside cj: serving from it would act on and
   * show a forged history. The orchestrator refuses to start, naming what is wrong.
   */
  private async verifyLog(): Promise<void> {
    const started = Date.now();
    const report = await verifyChains(this.store, CJ_STREAM_PREFIX);
    if (report.problems.length === 0) {
      this.logger.log({
        msg: 'event log verified',
        streams: report.streams,
        events: report.events,
        unchained: report.unchained,
        ms: Date.now() - started,
      });
      return;
    }
    for (const problem of report.problems)
      this.logger.error({ msg: 'event log fails verification', kind: problem.kind, detail: problem.message });
    throw new TamperedLogError(report.problems.length, report.problems[0].message);
  }

  /**
   * Reads (or, on an empty store, records) the store's identity; a store that last ran elsewhere
   * holds its hosts, and says so loudly: nothing will happen on them until someone confirms them.
   */
  private async establishIdentity(): Promise<void> {
    const identity = await this.identities.establish();
    this.logger.log({
      msg: 'store identity',
      storeId: identity.storeId,
      location: describeLocation(identity.location),
    });
    if (identity.relocatedFrom) {
      this.logger.warn({
        msg: 'this store last ran somewhere else: its hosts are held, cj acts on none of them until cj hosts confirm HOST… | --all',
        from: describeLocation(identity.relocatedFrom),
        to: describeLocation(identity.location),
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.rollouts.stop();
    this.storeHealth.stop();
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

export class TamperedLogError extends Error {
  override readonly name = 'TamperedLogError';
  constructor(
    readonly streams: number,
    first: string,
  ) {
    super(
      `the event log fails verification in ${streams} stream${streams === 1 ? '' : 's'}; first: ${first}. ` +
        'cj will not serve changes from a log altered outside it: restore the store from a backup (or its export) and start again',
    );
  }
}
