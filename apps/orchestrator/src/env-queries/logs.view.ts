import { Injectable } from '@nestjs/common';
import type { ContainerRuntime, LogLine } from '@cj/domain';
import { notFound } from '../http/problem';
import { HostRuntimes } from '../hosts/host-runtimes';
import { HostQueries } from '../read-model/queries/host-queries';
import { TaskQueries } from '../read-model/queries/task-queries';

export interface TaskLogs {
  readonly lines: AsyncIterable<LogLine> | readonly LogLine[];
}

/** A task's container logs: its current (or last) container, on the host it ran on. */
@Injectable()
export class LogsView {
  constructor(
    private readonly tasks: TaskQueries,
    private readonly hosts: HostQueries,
    private readonly runtimes: HostRuntimes,
  ) {}

  async logs(
    env: string,
    job: string,
    task: number,
    options: { tail: number; follow: boolean; signal: AbortSignal },
  ): Promise<TaskLogs> {
    const row = this.tasks.tasks(env, job).find((candidate) => candidate.task === task);
    if (!row)
      throw notFound(
        'task-not-found',
        `environment ${env} has no task ${task} of job ${job}`,
        `see the tasks with cj status ${job}`,
      );
    if (row.container_id === null) {
      throw notFound('no-container', `task ${task} of ${job} has no container`, `start it with cj up ${job}`);
    }
    const runtime = this.runtime(env, row.container_host ?? row.host);
    if (options.follow)
      return { lines: runtime.followLogs(row.container_id, { tail: options.tail, signal: options.signal }) };
    return { lines: await runtime.logs(row.container_id, { tail: options.tail }) };
  }

  private runtime(env: string, hostName: string): ContainerRuntime {
    const host = this.hosts.spec(env, hostName);
    if (!host)
      throw notFound(
        'host-not-declared',
        `host ${hostName} is not declared in environment ${env}`,
        'apply the jobs file that declares it',
      );
    return this.runtimes.for(host);
  }
}
