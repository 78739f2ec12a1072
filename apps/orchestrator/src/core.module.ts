import { DynamicModule, Global, Module } from '@nestjs/common';
import { TaskHealthProbe } from '@cj/docker-adapter';
import type { EventStore } from '@cj/event-store';
import { CLOCK, systemClock, type Clock } from './clock';
import type { OrchestratorOptions } from './config/options';
import { OPTIONS } from './config/options.token';
import { TokenRegistry } from './auth/token-registry';
import { sshOptionsOf } from './config/ssh-login';
import { CommandContexts } from './store/command-contexts';
import { EnvironmentLocks } from './hosts/environment-locks';
import { HostRuntimes } from './hosts/host-runtimes';
import { ImageRegistries } from './hosts/image-registries';
import { Metrics } from './metrics/metrics';
import { ObservationLoop } from './observation/observation-loop';
import { TaskHealer } from './observation/task-healer';
import { HostSightings } from './observation/host-sightings';
import { StatsSampler } from './observation/stats-sampler';
import { TaskStats } from './observation/task-stats';
import { ProjectionRunner } from './read-model/projection-runner';
import { auditProjection } from './read-model/projections/audit.projection';
import { hostsProjection } from './read-model/projections/hosts.projection';
import { jobsProjection } from './read-model/projections/jobs.projection';
import { rolloutsProjection } from './read-model/projections/rollouts.projection';
import { tasksProjection } from './read-model/projections/tasks.projection';
import { timelineProjection } from './read-model/projections/timeline.projection';
import { AuditQueries } from './read-model/queries/audit-queries';
import { HostQueries } from './read-model/queries/host-queries';
import { JobQueries } from './read-model/queries/job-queries';
import { RolloutQueries } from './read-model/queries/rollout-queries';
import { TaskQueries } from './read-model/queries/task-queries';
import { TimelineQueries } from './read-model/queries/timeline-queries';
import { openReadDb, type ReadDb } from './read-model/read-db';
import { READ_DB } from './read-model/read-db.token';
import { EVENT_STORE, openEventStore } from './store/open-event-store';
import { StoreHealth } from './store/store-health';
import { StoreIdentities } from './store/store-identity';
import { StreamWriter } from './store/stream-writer';

/**
 * Projections in the order they apply each event (the timeline and the tasks read the revisions
 * table, the audit log the rollouts table).
 */
export const PROJECTIONS = [
  jobsProjection,
  tasksProjection,
  hostsProjection,
  timelineProjection,
  rolloutsProjection,
  auditProjection,
];

const readQueries = [JobQueries, HostQueries, TaskQueries, AuditQueries, TimelineQueries, RolloutQueries].map(
  (Query) => ({
    provide: Query,
    inject: [READ_DB],
    useFactory: (db: ReadDb) => new Query(db),
  }),
);

/**
 * What every part of the orchestrator shares — the event store, the read models and their
 * queries, the hosts' engines, the registries, the clock — global so that feature modules (the
 * rollout workflow) inject them without re-wiring.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: OrchestratorOptions): DynamicModule {
    const providers = [
      { provide: OPTIONS, useValue: options },
      { provide: CLOCK, useValue: systemClock },
      { provide: Metrics, useValue: new Metrics() },
      { provide: EVENT_STORE, useFactory: () => openEventStore(options.store) },
      { provide: READ_DB, useFactory: () => openReadDb(options.readDb) },
      { provide: TokenRegistry, useFactory: () => new TokenRegistry(options.tokensDb) },
      {
        provide: ProjectionRunner,
        inject: [EVENT_STORE, READ_DB, Metrics],
        useFactory: (store: EventStore, db: ReadDb, metrics: Metrics) =>
          new ProjectionRunner(store, db, PROJECTIONS, metrics),
      },
      {
        provide: StoreHealth,
        inject: [EVENT_STORE, ProjectionRunner],
        useFactory: (store: EventStore, projections: ProjectionRunner) => new StoreHealth(store, projections),
      },
      {
        provide: StreamWriter,
        inject: [EVENT_STORE, Metrics],
        useFactory: (store: EventStore, metrics: Metrics) => new StreamWriter(store, metrics),
      },
      {
        provide: StoreIdentities,
        inject: [EVENT_STORE, StreamWriter, CLOCK],
        useFactory: (store: EventStore, writer: StreamWriter, clock: Clock) =>
          new StoreIdentities(store, writer, options.store, clock),
      },
      {
        provide: HostRuntimes,
        inject: [StoreIdentities, HostQueries],
        // Established at start before anything touches a host: every container cj creates carries it.
        useFactory: (identities: StoreIdentities, hosts: HostQueries) =>
          new HostRuntimes(
            () => identities.current.storeId,
            sshOptionsOf(options.ssh),
            options.engineTimeoutMs,
            (host) => hosts.heldEndpoint(host.name, host.endpoint),
          ),
      },
      { provide: EnvironmentLocks, useValue: new EnvironmentLocks() },
      { provide: ImageRegistries, useValue: new ImageRegistries() },
      { provide: TaskHealthProbe, useValue: new TaskHealthProbe() },
      ...readQueries,
      { provide: HostSightings, inject: [READ_DB], useFactory: (db: ReadDb) => new HostSightings(db) },
      { provide: TaskStats, inject: [READ_DB], useFactory: (db: ReadDb) => new TaskStats(db) },
      {
        provide: StatsSampler,
        inject: [HostQueries, TaskQueries, HostRuntimes, TaskStats],
        useFactory: (...deps: ConstructorParameters<typeof StatsSampler>) => new StatsSampler(...deps),
      },
      CommandContexts,
      {
        provide: TaskHealer,
        inject: [
          HostQueries,
          TaskQueries,
          HostRuntimes,
          StreamWriter,
          ProjectionRunner,
          CommandContexts,
          EnvironmentLocks,
          CLOCK,
        ],
        useFactory: (
          hosts: HostQueries,
          tasks: TaskQueries,
          runtimes: HostRuntimes,
          writer: StreamWriter,
          projections: ProjectionRunner,
          contexts: CommandContexts,
          locks: EnvironmentLocks,
          clock: Clock,
        ) => new TaskHealer({ hosts, tasks, runtimes, writer, projections, contexts, locks, clock }),
      },
      {
        provide: ObservationLoop,
        inject: [
          HostQueries,
          TaskQueries,
          JobQueries,
          HostRuntimes,
          TaskHealthProbe,
          StreamWriter,
          ProjectionRunner,
          CommandContexts,
          Metrics,
          EnvironmentLocks,
          HostSightings,
          TaskHealer,
        ],
        useFactory: (...deps: ConstructorParameters<typeof ObservationLoop>) => new ObservationLoop(...deps),
      },
    ];
    return {
      module: CoreModule,
      providers,
      exports: providers.map((provider) => ('provide' in provider ? provider.provide : provider)),
    };
  }
}
