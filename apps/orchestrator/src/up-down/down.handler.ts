import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { isLive, type ContainerInfo, type JobCommand } from '@cj/domain';
import { STOP_GRACE_SECONDS } from '../hosts/container-states';
import { EnvironmentLocks } from '../hosts/environment-locks';
import { HostRuntimes } from '../hosts/host-runtimes';
import { ProjectionRunner } from '../read-model/projection-runner';
import { HostQueries } from '../read-model/queries/host-queries';
import { StreamWriter } from '../store/stream-writer';
import { recordJobCommands } from '../store/record-job-commands';
import { loadJobOnHosts } from './job-tasks';
import { DownJobCommand } from './up-down.command';
import type { TaskActionResult, UpDownResponse } from '@cj/api';

/**
 * `cj down JOB`: the job is recorded as stopped (JobStopped: reconcile restarts none of its tasks
 * until `cj up`), then every container of the job's tasks, on every host of the job, is stopped and
 * removed (nothing cj created is left behind), and each step is recorded.
 */
@CommandHandler(DownJobCommand)
export class DownJobHandler implements ICommandHandler<DownJobCommand, UpDownResponse> {
  constructor(
    private readonly writer: StreamWriter,
    private readonly hosts: HostQueries,
    private readonly runtimes: HostRuntimes,
    private readonly projections: ProjectionRunner,
    private readonly locks: EnvironmentLocks,
  ) {}

  execute({ env, job, context }: DownJobCommand): Promise<UpDownResponse> {
    return this.locks.run(env, async () => {
      const loaded = await loadJobOnHosts(env, job, this.writer, this.hosts, this.runtimes);
      // The job is meant to be stopped from now on: reconcile leaves it alone until it is up again.
      const recorded: JobCommand[] = [{ type: 'RecordJobStopped', data: { job }, metadata: context }];
      const results: TaskActionResult[] = [];
      const engines = new Map(loaded.tasks.map((placed) => [placed.host.name, placed.runtime]));
      try {
        const found: ContainerInfo[] = (
          await Promise.all([...engines.values()].map((runtime) => runtime.list({ env, job })))
        ).flat();
        for (const placed of loaded.tasks) {
          const mine = found.filter((container) => container.task === placed.task.index);
          const wasRunning = mine.some((container) => isLive(container.state));
          for (const container of mine) {
            const ref = { job, task: container.task, host: container.host, containerId: container.id };
            const runtime = engines.get(container.host) ?? placed.runtime;
            if (isLive(container.state)) {
              await runtime.stop(container.id, STOP_GRACE_SECONDS);
              recorded.push({ type: 'RecordContainerStopped', data: ref, metadata: context });
            }
            await runtime.remove(container.id);
            recorded.push({ type: 'RecordContainerRemoved', data: ref, metadata: context });
          }
          results.push({
            job,
            task: placed.task.index,
            host: placed.host.name,
            ...(mine[0] && { containerId: mine[0].id }),
            action: wasRunning ? 'stopped' : mine.length > 0 ? 'removed' : 'not-running',
          });
        }
      } finally {
        const appended = await recordJobCommands(this.writer, env, job, recorded, context.commandId);
        if (appended.position !== undefined) await this.projections.waitFor(appended.position);
      }
      return { tasks: results };
    });
  }
}
