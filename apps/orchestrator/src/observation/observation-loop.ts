import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { decideHost, evolveHost, hostStream, initialHostState, type ContainerInfo, type HealthProbe, type HostEvent, type HostSpec } from '@cj/domain';
import type { CommandContexts } from '../commands/command-contexts';
import type { EnvironmentLocks } from '../hosts/environment-locks';
import type { HostRuntimes } from '../hosts/host-runtimes';
import type { Metrics } from '../metrics/metrics';
import type { ProjectionRunner } from '../read-model/projection-runner';
import type { HostQueries } from '../read-model/queries/host-queries';
import type { JobQueries } from '../read-model/queries/job-queries';
import type { TaskQueries } from '../read-model/queries/task-queries';
import { fromRecorded, toEventData } from '../store/event-codec';
import type { StreamWriter } from '../store/stream-writer';
import { commandMetadata } from '../commands/command-context';
import { recordJobCommands } from '../commands/record-job-commands';
import { reconcileHost, type TaskHealth } from './reconcile-host';

/**
 * Every interval, looks at every host of every environment and records what changed since the
 * last look: reachability, containers that exited, restarted or vanished, containers cj made that
 * the log does not know yet, and health transitions of running tasks (not every poll).
 */
export class ObservationLoop {
  private readonly logger = new Logger('observation');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
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
  ) {}

  start(intervalMs: number): void {
    this.stopped = false;
    const tick = () => {
      this.running = this.observeAll()
        .catch((error: unknown) => this.logger.error({ msg: 'observation failed', error: error instanceof Error ? error.message : String(error) }))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every host; exposed so a caller can force an observation. */
  async observeAll(): Promise<void> {
    for (const env of this.hosts.envs()) {
      await this.locks.run(env, () => Promise.all(this.hosts.specs(env).map((host) => this.observeHost(env, host))));
    }
  }

  private async observeHost(env: string, host: HostSpec): Promise<void> {
    const runtime = this.runtimes.for(host);
    let containers: ContainerInfo[] | undefined;
    let engineVersion: string | undefined;
    let error: string | undefined;
    try {
      engineVersion = (await runtime.engineInfo()).version;
      containers = await runtime.list({ env });
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    if (this.stopped) return;
    await this.recordReachability(env, host, containers !== undefined, engineVersion, error);
    this.metrics.hostReachable.set({ env, host: host.name }, containers ? 1 : 0);
    if (!containers) return;
    for (const state of ['running', 'exited', 'created']) {
      this.metrics.observedContainers.set({ env, host: host.name, state }, containers.filter((c) => c.state === state).length);
    }

    const rows = this.tasks.tasks(env).filter((row) => (row.container_host ?? row.host) === host.name);
    const health = await this.health(env, host, rows, containers);
    const context = this.contexts.system(randomUUID(), `observed on host ${host.name}`);
    const changes = reconcileHost({
      env,
      host: host.name,
      rows,
      containers,
      health,
      knownRevision: (job, revision) => this.jobs.revision(env, job, revision) !== undefined,
      metadata: commandMetadata(context),
    });
    for (const unexpected of changes.unexpected) {
      this.logger.warn({ msg: 'unexpected container', env, host: host.name, container: unexpected.id, name: unexpected.name });
    }
    for (const [job, commands] of changes.byJob) {
      try {
        const appended = await recordJobCommands(this.writer, env, job, commands, context.commandId);
        if (appended.position !== undefined) await this.projections.waitFor(appended.position);
      } catch (failure) {
        this.logger.warn({ msg: 'could not record an observation', env, job, error: failure instanceof Error ? failure.message : String(failure) });
      }
    }
  }

  /** Probes each running task with its job's health check. */
  private async health(env: string, host: HostSpec, rows: ReturnType<TaskQueries['tasks']>, containers: readonly ContainerInfo[]): Promise<Map<string, TaskHealth>> {
    const results = new Map<string, TaskHealth>();
    await Promise.all(
      rows.map(async (row) => {
        const container = containers.find((c) => c.id === row.container_id && c.state === 'running');
        if (!container || row.observed_revision === null) return;
        const spec = this.jobs.revision(env, row.job, row.observed_revision);
        if (!spec || spec.health.type === 'none') return;
        const runtime = this.runtimes.for(host);
        const result = await this.probe
          .probe(spec.health, { address: host.address, port: row.port, container: { runtime, id: container.id } })
          .catch((failure: unknown) => ({ healthy: false, detail: failure instanceof Error ? failure.message : String(failure) }));
        results.set(container.id, result);
      }),
    );
    return results;
  }

  private async recordReachability(env: string, host: HostSpec, reachable: boolean, engineVersion: string | undefined, error: string | undefined): Promise<void> {
    const context = this.contexts.system(randomUUID(), reachable ? 'host answered' : 'host did not answer');
    const appended = await this.writer.decideAndAppend(hostStream(env, host.name), ({ records }) => {
      const state = records
        .map(fromRecorded)
        .filter((event): event is HostEvent => event?.type === 'HostReachable' || event?.type === 'HostUnreachable')
        .reduce(evolveHost, initialHostState());
      const events = decideHost(
        {
          type: 'RecordHostProbe',
          data: { host: host.name, endpoint: host.endpoint, reachable, ...(engineVersion && { engineVersion }), ...(error && { error }) },
          metadata: context,
        },
        state,
      );
      return events.map((event, index) => toEventData(event, context.commandId, index));
    });
    if (appended.position !== undefined) {
      this.logger.log({ msg: reachable ? 'host reachable' : 'host unreachable', env, host: host.name, ...(error && { error }) });
      await this.projections.waitFor(appended.position);
    }
  }
}
