import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  observeHost,
  sameTaskContainer,
  type ContainerInfo,
  type HealthProbe,
  type HostCommand,
  type LastKnownContainer,
  type ProbeResult,
} from '@cj/domain';
import type { CommandContexts } from '../store/command-contexts';
import type { EnvironmentLocks } from '../hosts/environment-locks';
import type { HostRuntimes } from '../hosts/host-runtimes';
import type { Metrics } from '../metrics/metrics';
import type { ProjectionRunner } from '../read-model/projection-runner';
import type { HostQueries } from '../read-model/queries/host-queries';
import type { JobQueries } from '../read-model/queries/job-queries';
import type { TaskQueries } from '../read-model/queries/task-queries';
import type { StreamWriter } from '../store/stream-writer';
import { recordJobCommands } from '../store/record-job-commands';
import { lastKnownContainers } from './last-known-containers';
import { recordHostCommands } from '../hosts/record-host-commands';
import { EngineWatch } from './engine-watch';
import type { HostSightings } from './host-sightings';
import type { TaskHealer } from './task-healer';
import type { HostSpec } from '@cj/api';

/** How often the set of followed hosts is brought in line with the declared ones. */
const WATCH_HOSTS_MS = 1_000;

/**
 * How often reconcile looks for tasks to restart: the backoff starts at a second, whatever the
 * resync interval. A pass with nothing to restart reads the tasks read model only.
 */
const HEAL_MS = 1_000;

/** Container states the metrics count per host. */
const OBSERVED_STATES = ['running', 'exited', 'created'] as const;

/**
 * Observation: each host's engine event stream, followed by one EngineWatch per host, records
 * exits, restarts, OOM kills and removals as they happen. Beside it, every interval (and after
 * every reconnect of a stream), a full resync looks at every host and records what changed since
 * the last look: reachability, containers that exited, restarted or vanished, containers cj made
 * that the log does not know yet, containers no task accounts for, and health transitions of
 * running tasks (not every poll). The rules are the domain's `observeHost` and
 * `observeEngineEvent`; this loop does the I/O. Beside them, every second, reconcile restarts
 * the tasks meant to run that have no running container (`TaskHealer`, the domain's
 * `decideRestarts`).
 */
export class ObservationLoop {
  private readonly logger = new Logger('observation');
  private timer?: NodeJS.Timeout;
  private watchTimer?: NodeJS.Timeout;
  private healTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private healing?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly hosts: HostQueries,
    private readonly tasks: TaskQueries,
    private readonly jobs: JobQueries,
    private readonly runtimes: HostRuntimes,
    private readonly probe: HealthProbe,
    private readonly writer: StreamWriter,
    private readonly projections: ProjectionRunner,
    private readonly contexts: CommandContexts,
    private readonly metrics: Metrics,
    private readonly locks: EnvironmentLocks,
    private readonly sightings: HostSightings,
    private readonly healer: TaskHealer,
  ) {}

  /** One event stream per host, by `env/host`. */
  private readonly watches = new Map<string, EngineWatch>();

  /** Hosts (`env/host`) whose findings the store refused: said once when it starts and once when it ends, not every pass. */
  private readonly unrecorded = new Set<string>();

  /** The hosts whose reachability the last pass reported, by `env/host`. */
  private reported = new Map<string, { env: string; host: string }>();

  start(intervalMs: number): void {
    this.stopped = false;
    // Streams follow the declared hosts within a second of an apply, whatever the resync interval.
    const follow = () => {
      if (this.stopped) return;
      this.watchEngines(this.declaredHosts());
      this.sightings.flush();
      this.watchTimer = setTimeout(follow, WATCH_HOSTS_MS);
    };
    follow();
    const tick = () => {
      this.running = this.observeAll()
        .catch((error: unknown) =>
          this.logger.error({
            msg: 'observation failed',
            error: error instanceof Error ? error.message : String(error),
          }),
        )
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
    const heal = () => {
      this.healing = this.healer
        .healAll()
        .catch((error: unknown) =>
          this.logger.error({ msg: 'reconcile failed', error: error instanceof Error ? error.message : String(error) }),
        )
        .finally(() => {
          if (!this.stopped) this.healTimer = setTimeout(heal, HEAL_MS);
        });
    };
    this.healTimer = setTimeout(heal, HEAL_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.watchTimer);
    clearTimeout(this.healTimer);
    await this.running;
    await this.healing;
    await Promise.all([...this.watches.values()].map((watch) => watch.stop()));
    this.watches.clear();
    this.sightings.flush();
  }

  /** One pass over every host; exposed so a caller can force an observation. */
  async observeAll(): Promise<void> {
    const looked = new Map<string, { env: string; host: string }>();
    for (const env of this.hosts.envs()) {
      const hosts = await this.locks.run(env, async () => {
        const specs = this.observedHosts(env);
        await Promise.all(specs.map((host) => this.lookAt(env, host)));
        return specs;
      });
      for (const host of hosts) looked.set(`${env}/${host.name}`, { env, host: host.name });
    }
    // A host that is no longer declared (retired) leaves the metrics rather than keep its last value.
    for (const [key, labels] of this.reported) {
      if (looked.has(key)) continue;
      this.metrics.hostReachable.remove(labels);
      for (const state of OBSERVED_STATES) this.metrics.observedContainers.remove({ ...labels, state });
    }
    this.reported = looked;
    this.sightings.flush();
  }

  private declaredHosts(): Map<string, { env: string; host: string }> {
    const hosts = new Map<string, { env: string; host: string }>();
    for (const env of this.hosts.envs())
      for (const host of this.observedHosts(env)) hosts.set(`${env}/${host.name}`, { env, host: host.name });
    return hosts;
  }

  /**
   * The declared hosts but the held ones: a held host may be a live cluster's machine that a copy
   * of this log remembers, and what runs there is not this orchestrator's to record or act on.
   */
  private observedHosts(env: string): HostSpec[] {
    const held = this.hosts.held(env);
    return this.hosts.specs(env).filter((host) => !held.has(host.name));
  }

  /** A stream for every declared host; a retired host's stream ends. */
  private watchEngines(hosts: ReadonlyMap<string, { env: string; host: string }>): void {
    for (const [key, { env, host }] of hosts) {
      if (this.watches.has(key)) continue;
      this.watches.set(
        key,
        new EngineWatch(env, host, {
          tasks: this.tasks,
          jobs: this.jobs,
          runtimes: this.runtimes,
          writer: this.writer,
          projections: this.projections,
          contexts: this.contexts,
          locks: this.locks,
          sightings: this.sightings,
          spec: (e, h) => this.hosts.spec(e, h),
          resync: (e, h) => this.resync(e, h),
        }),
      );
    }
    for (const [key, watch] of this.watches) {
      if (hosts.has(key)) continue;
      this.watches.delete(key);
      void watch.stop();
    }
  }

  /** A full look at one host, as the periodic pass makes it. */
  private async resync(env: string, name: string): Promise<void> {
    if (this.stopped) return;
    await this.locks.run(env, async () => {
      const host = this.hosts.spec(env, name);
      if (host && !this.hosts.held(env).has(name)) await this.lookAt(env, host);
    });
  }

  private async lookAt(env: string, host: HostSpec): Promise<void> {
    const runtime = this.runtimes.for(host);
    let containers: ContainerInfo[] | undefined;
    let foreign: ContainerInfo[] = [];
    let engineVersion: string | undefined;
    let error: string | undefined;
    try {
      engineVersion = (await runtime.engineInfo()).version;
      containers = await runtime.list({ env });
      foreign = await runtime.listForeign();
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    if (this.stopped) return;
    const lookedAt = new Date().toISOString();
    if (containers) this.sightings.seen(env, host.name, lookedAt);
    this.metrics.hostReachable.set({ env, host: host.name }, containers ? 1 : 0);
    const answer = this.contexts.system(randomUUID(), containers ? 'host answered' : 'host did not answer');
    const hostCommands: HostCommand[] = [
      {
        type: 'RecordHostProbe',
        data: {
          host: host.name,
          endpoint: host.endpoint,
          reachable: containers !== undefined,
          ...(engineVersion && { engineVersion }),
          ...(error && { error }),
        },
        metadata: answer,
      },
    ];
    if (!containers) {
      await this.recordHost(env, host, hostCommands);
      return;
    }
    hostCommands.push({
      type: 'RecordForeignContainers',
      data: {
        host: host.name,
        containers: foreign.map((c) => ({
          storeId: c.cluster as string,
          containerId: c.id,
          name: c.name,
          env: c.env,
          job: c.job,
          task: c.task,
        })),
      },
      // Its own command id: event ids derive from it, and the probe's events may share this append.
      metadata: this.contexts.system(randomUUID(), `other clusters' containers seen on host ${host.name}`),
    });
    for (const state of OBSERVED_STATES) {
      this.metrics.observedContainers.set(
        { env, host: host.name, state },
        containers.filter((c) => c.state === state).length,
      );
    }

    const rows = this.tasks.tasks(env).filter((row) => (row.container_host ?? row.host) === host.name);
    const known = lastKnownContainers(rows);
    const desired = new Map(rows.map((row) => [`${row.job}/${row.task}`, row.desired_revision]));
    const context = this.contexts.system(randomUUID(), `observed on host ${host.name}`);
    const observation = observeHost({
      host: host.name,
      known,
      containers,
      health: await this.health(env, host, known, containers, (job, task) => desired.get(`${job}/${task}`)),
      knownRevision: (job, revision) => this.jobs.revision(env, job, revision) !== undefined,
      metadata: context,
    });
    // The host's stream first: a container that stops being unexpected because its job now adopts
    // it ends its unexpected run in the timeline before its run as the task's begins.
    await this.recordHost(env, host, [...hostCommands, observation.sightings]);
    let recorded = true;
    for (const [job, commands] of observation.jobCommands) {
      try {
        const appended = await recordJobCommands(this.writer, env, job, commands, context.commandId);
        if (appended.position !== undefined) await this.projections.waitFor(appended.position);
      } catch (failure) {
        recorded = false;
        if (!this.unrecorded.has(`${env}/${host.name}`)) {
          this.unrecorded.add(`${env}/${host.name}`);
          this.logger.warn({
            msg: "could not record an observation; status marks the host's tasks stale until it is",
            env,
            host: host.name,
            job,
            error: failure instanceof Error ? failure.message : String(failure),
          });
        }
      }
    }
    // Only a look the log took whole makes what status shows of this host current.
    if (!recorded) return;
    this.sightings.recorded(env, host.name, lookedAt);
    if (this.unrecorded.delete(`${env}/${host.name}`))
      this.logger.log({ msg: 'observations recorded again', env, host: host.name });
  }

  /**
   * Probes each known running container with its job's health check: the desired revision's when
   * that revision makes this very container (a change of the check lands in place), else the one
   * of the revision that made it.
   */
  private async health(
    env: string,
    host: HostSpec,
    known: readonly LastKnownContainer[],
    containers: readonly ContainerInfo[],
    desiredRevision: (job: string, task: number) => number | undefined,
  ): Promise<Map<string, ProbeResult>> {
    const results = new Map<string, ProbeResult>();
    await Promise.all(
      known.map(async (task) => {
        const container = containers.find((c) => c.id === task.containerId && c.state === 'running');
        if (!container) return;
        const made = this.jobs.revision(env, task.job, task.revision);
        const wanted = desiredRevision(task.job, task.task);
        const desired =
          wanted !== undefined && wanted !== task.revision ? this.jobs.revision(env, task.job, wanted) : undefined;
        const spec = made && desired && sameTaskContainer(made, desired, task.task) ? desired : made;
        if (!spec || spec.health.type === 'none') return;
        const runtime = this.runtimes.for(host);
        // The port the container was made with: the task's may have moved in a later revision.
        const port = container.port ?? spec.tasks.find((t) => t.index === task.task)?.port;
        if (port === undefined) return;
        const result = await this.probe
          .probe(spec.health, { address: host.address, port, container: { runtime, id: container.id } })
          .catch((failure: unknown) => ({
            healthy: false,
            detail: failure instanceof Error ? failure.message : String(failure),
          }));
        results.set(container.id, result);
      }),
    );
    return results;
  }

  private async recordHost(env: string, host: HostSpec, commands: readonly HostCommand[]): Promise<void> {
    const recorded = await recordHostCommands(this.writer, env, host.name, commands);
    for (const event of recorded.events) {
      if (event.type === 'HostReachable') this.logger.log({ msg: 'host reachable', env, host: host.name });
      if (event.type === 'HostUnreachable')
        this.logger.log({ msg: 'host unreachable', env, host: host.name, error: event.data.error });
      if (event.type === 'HostSharedWithCluster') {
        this.logger.warn({
          msg: 'another cluster runs containers on this host; cj leaves them alone',
          env,
          host: host.name,
          otherStoreId: event.data.otherStoreId,
          containers: event.data.containers.length,
        });
      }
      if (event.type === 'UnexpectedContainerFound') {
        this.logger.warn({
          msg: 'unexpected container, left running',
          env,
          host: host.name,
          container: event.data.containerId,
          name: event.data.name,
        });
      }
    }
    if (recorded.position !== undefined) await this.projections.waitFor(recorded.position);
  }
}
