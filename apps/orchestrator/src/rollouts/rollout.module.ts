import { Logger, Module } from '@nestjs/common';
import { TaskHealthProbe } from '@cj/docker-adapter';
import type { EventStore } from '@cj/event-store';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { ROLLOUT_STARTER } from '../apply/rollout-starter';
import { cjVersion } from '../config/cj-version';
import type { OrchestratorOptions } from '../config/options';
import { OPTIONS } from '../config/options.token';
import { EnvironmentLocks } from '../hosts/environment-locks';
import { HostRuntimes } from '../hosts/host-runtimes';
import { HostQueries } from '../read-model/queries/host-queries';
import { EVENT_STORE } from '../store/open-event-store';
import { StreamWriter } from '../store/stream-writer';
import { ControlRolloutHandler } from './control-rollout.handler';
import { RollbackHandler } from './rollback.handler';
import { RollingUpdateHandler } from './rolling-update.handler';
import { RolloutAnswer } from './rollout-answer';
import { EnvironmentHosts } from './environment-hosts';
import { RolloutsController } from './rollouts.controller';
import { JobStreamRecord } from './job-stream-record';
import { JobStreamRevisions } from './job-stream-revisions';
import { RolloutService } from './rollout.service';
import { RolloutRunner } from './rollout-runner';
import { RolloutServiceStarter } from './rollout-starter.adapter';
import { SqliteRunnerCheckpoint } from './runner-checkpoint';

const logger = new Logger('rollouts');

/**
 * The rollout workflow: its commands and HTTP API, the runner that drives every unfinished
 * rollout (started and stopped by the app's lifecycle), and apply's way to start one.
 */
@Module({
  controllers: [RolloutsController],
  providers: [
    {
      provide: JobStreamRecord,
      inject: [StreamWriter],
      useFactory: (writer: StreamWriter) => new JobStreamRecord(writer, cjVersion(), () => Date.now()),
    },
    {
      provide: RolloutService,
      inject: [EVENT_STORE, StreamWriter, JobStreamRecord, EnvironmentLocks, HostQueries],
      useFactory: (
        store: EventStore,
        writer: StreamWriter,
        jobs: JobStreamRecord,
        locks: EnvironmentLocks,
        hosts: HostQueries,
      ) =>
        new RolloutService(
          store,
          writer,
          jobs,
          (env, work) => locks.run(env, work),
          (env) => hosts.held(env),
        ),
    },
    {
      provide: SqliteRunnerCheckpoint,
      inject: [OPTIONS],
      // The runner's checkpoint belongs to this instance, as its read models do.
      useFactory: (options: OrchestratorOptions) => new SqliteRunnerCheckpoint(options.readDb),
    },
    {
      provide: RolloutRunner,
      inject: [
        OPTIONS,
        EVENT_STORE,
        SqliteRunnerCheckpoint,
        StreamWriter,
        JobStreamRecord,
        HostQueries,
        HostRuntimes,
        EnvironmentLocks,
        TaskHealthProbe,
        RolloutService,
      ],
      useFactory: (
        options: OrchestratorOptions,
        store: EventStore,
        checkpoint: SqliteRunnerCheckpoint,
        writer: StreamWriter,
        jobs: JobStreamRecord,
        hostQueries: HostQueries,
        runtimes: HostRuntimes,
        locks: EnvironmentLocks,
        probe: TaskHealthProbe,
        rollouts: RolloutService,
      ) =>
        new RolloutRunner(
          store,
          checkpoint,
          {
            hosts: new EnvironmentHosts(
              (env) => hostQueries.specs(env),
              (host) => runtimes.for(host),
            ),
            revisions: new JobStreamRevisions(writer),
            jobs,
            exclusive: (env, work) => locks.run(env, work),
            probe,
            now: () => Date.now(),
          },
          {
            // Stable across restarts of this instance, so that it takes its own lease back at once.
            owner: `${hostname()}:${resolve(options.readDb)}`,
            cjVersion: cjVersion(),
            onError: (error) => logger.error({ msg: 'rollout step failed', error: error.message }),
            onStoreOutage: (change) =>
              change.state === 'refused'
                ? logger.warn({
                    msg: "the event store refuses the rollout's writes: it waits, trying again after 0.1s, doubling up to 5s",
                    rollout: change.rolloutId,
                    error: change.error,
                  })
                : logger.log({
                    msg: "the event store takes the rollout's writes again: it goes on where it was, its deadlines moved on by the wait",
                    rollout: change.rolloutId,
                    waitedMs: change.waitedMs,
                    attempts: change.attempts,
                  }),
            beginStream: (env, job, id) => locks.run(env, () => rollouts.beginStream(env, job, id)),
          },
        ),
    },
    RolloutAnswer,
    RollingUpdateHandler,
    RollbackHandler,
    ControlRolloutHandler,
    { provide: ROLLOUT_STARTER, useClass: RolloutServiceStarter },
  ],
  exports: [RolloutRunner, SqliteRunnerCheckpoint, ROLLOUT_STARTER],
})
export class RolloutModule {}
