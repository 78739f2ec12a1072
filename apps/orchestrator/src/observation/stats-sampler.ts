import { Logger } from '@nestjs/common';
import { ContainerNotFound } from '@cj/docker-adapter';
import type { HostRuntimes } from '../hosts/host-runtimes';
import type { HostQueries } from '../read-model/queries/host-queries';
import type { TaskQueries } from '../read-model/queries/task-queries';
import type { TaskStats, TaskStatsRow } from './task-stats';

/** Stats requests in flight per host at most: each holds one connection for about a second. */
const PER_HOST = 2;

/**
 * Samples memory and CPU of every running task's container in the background, host by host (at
 * most PER_HOST requests per host at once, one per container), and writes each sweep in one
 * batch. A host that does not answer keeps its last samples, which show their age.
 */
export class StatsSampler {
  private readonly logger = new Logger('observation');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly hosts: HostQueries,
    private readonly tasks: TaskQueries,
    private readonly runtimes: HostRuntimes,
    private readonly stats: TaskStats,
  ) {}

  start(intervalMs: number): void {
    this.stopped = false;
    const tick = () => {
      this.running = this.sampleAll()
        .catch((error: unknown) =>
          this.logger.error({
            msg: 'stats sampling failed',
            error: error instanceof Error ? error.message : String(error),
          }),
        )
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, Math.min(intervalMs, 1_000));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  async sampleAll(): Promise<void> {
    const samples: TaskStatsRow[] = [];
    const running = new Set<string>();
    for (const env of this.hosts.envs()) {
      const rows = this.tasks.tasks(env).filter((row) => row.observed_state === 'running' && row.container_id !== null);
      for (const row of rows) running.add(`${env}/${row.container_id}`);
      await Promise.all(
        this.hosts.specs(env).map(async (host) => {
          const ids = rows
            .filter((row) => (row.container_host ?? row.host) === host.name)
            .map((row) => row.container_id as string);
          const runtime = this.runtimes.for(host);
          let next = 0;
          let reachable = true;
          const worker = async () => {
            while (next < ids.length && reachable && !this.stopped) {
              const id = ids[next++];
              try {
                const stats = await runtime.stats(id);
                samples.push({
                  env,
                  container_id: id,
                  memory_bytes: stats.memoryBytes,
                  cpu_percent: stats.cpuPercent,
                  sampled_at: new Date(stats.readAt).toISOString(),
                });
              } catch (error) {
                // A container gone since the listing is skipped; a host that stops answering keeps its last samples, with their age.
                if (!(error instanceof ContainerNotFound)) reachable = false;
              }
            }
          };
          await Promise.all(Array.from({ length: PER_HOST }, worker));
        }),
      );
    }
    if (this.stopped) return;
    this.stats.write(samples, (env, id) => running.has(`${env}/${id}`));
  }
}
