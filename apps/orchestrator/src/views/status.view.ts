import { Injectable } from '@nestjs/common';
import { formatImageRef, type StatusResponse, type TaskStatus } from '@cj/domain';
import { HostRuntimes } from '../hosts/host-runtimes';
import { notFound } from '../http/problem';
import { HostQueries } from '../read-model/queries/host-queries';
import { JobQueries } from '../read-model/queries/job-queries';
import { TaskQueries, type TaskRow } from '../read-model/queries/task-queries';

/** A host that does not answer within this long shows no memory/CPU rather than holding up status. */
const STATS_TIMEOUT_MS = 3000;
const HEALTH = new Set(['healthy', 'unhealthy', 'starting']);

/**
 * `cj status`: desired beside observed per task, from the read models, with memory and CPU from
 * one-shot engine stats of the running containers, and the containers no task accounts for.
 */
@Injectable()
export class StatusView {
  constructor(
    private readonly tasks: TaskQueries,
    private readonly jobs: JobQueries,
    private readonly hosts: HostQueries,
    private readonly runtimes: HostRuntimes,
  ) {}

  /** `stats: false` answers from the read models alone (the console's feed, on every projected change). */
  async status(env: string, job?: string, options: { readonly stats?: boolean } = {}): Promise<StatusResponse> {
    const rows = this.tasks.tasks(env, job);
    // Containers of a job cj does not know may run too: asking for that job shows them.
    const unexpected = this.hosts.unexpected(env, job);
    // A typo in a job's name must not read as "it has no tasks".
    if (job !== undefined && rows.length === 0 && unexpected.length === 0 && !this.jobs.known(env, job)) {
      throw notFound('job-not-found', `environment ${env} has no job ${job}`, `list the jobs with cj status --env ${env}`);
    }
    const tasks = await Promise.all(rows.map((row) => this.task(env, row, options.stats ?? true)));
    return { env, tasks, ...(unexpected.length > 0 && { unexpected }) };
  }

  private async task(env: string, row: TaskRow, withStats: boolean): Promise<TaskStatus> {
    const desiredSpec = this.jobs.revision(env, row.job, row.desired_revision);
    const desired = {
      revision: row.desired_revision,
      image: desiredSpec ? formatImageRef({ ...desiredSpec.image, digest: undefined }) : 'unknown',
      ...(desiredSpec?.image.digest && { digest: desiredSpec.image.digest }),
      state: row.desired_state,
    };
    const base = { job: row.job, task: row.task, host: row.host, port: row.port, desired };
    if (row.container_id === null || row.observed_state === null) return base;
    const observedSpec = row.observed_revision !== null ? this.jobs.revision(env, row.job, row.observed_revision) : undefined;
    const stats = withStats && row.observed_state === 'running' ? await this.stats(env, row.container_host ?? row.host, row.container_id) : undefined;
    return {
      ...base,
      observed: {
        containerId: row.container_id,
        image: observedSpec ? formatImageRef({ ...observedSpec.image, digest: undefined }) : 'unknown',
        ...(observedSpec?.image.digest && { digest: observedSpec.image.digest }),
        ...(row.observed_revision !== null && { revision: row.observed_revision }),
        state: row.observed_state,
        health: HEALTH.has(row.health) ? (row.health as 'healthy' | 'unhealthy' | 'starting') : 'unknown',
        ...(row.started_at !== null && { startedAt: row.started_at }),
        ...(stats && { memoryBytes: stats.memoryBytes, cpuPercent: stats.cpuPercent }),
      },
    };
  }

  private async stats(env: string, hostName: string, containerId: string): Promise<{ memoryBytes: number; cpuPercent: number } | undefined> {
    const host = this.hosts.spec(env, hostName);
    if (!host) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), STATS_TIMEOUT_MS)));
    try {
      return await Promise.race([this.runtimes.for(host).stats(containerId), timeout]);
    } catch {
      // Stats are a convenience: a container that just went away or a slow host shows none.
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
