import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { startNewContainer } from '@cj/docker-adapter';
import {
  PULL_CONCURRENCY,
  isLive,
  sameTaskContainer,
  taskContainerSpec,
  type ContainerRuntime,
  type JobCommand,
} from '@cj/domain';
import { EnvironmentLocks } from '../hosts/environment-locks';
import { HostRuntimes } from '../hosts/host-runtimes';
import { ProjectionRunner } from '../read-model/projection-runner';
import { HostQueries } from '../read-model/queries/host-queries';
import { StreamWriter } from '../store/stream-writer';
import { recordJobCommands } from '../store/record-job-commands';
import { loadJobOnHosts, type LoadedJob, type PlacedTask } from './job-tasks';
import { UpJobCommand } from './up-down.command';
import type { TaskActionResult, UpDownResponse } from '@cj/api';

/**
 * `cj up JOB`: each task of the current revision gets a running container with the standard
 * configuration. A task that already runs is left alone; a stopped container of the same revision
 * (or of an earlier one that makes the same container: it differs only in policy) is started
 * again rather than duplicated, and recorded under the revision that made it. Every host that will create a container pulls the image
 * first, a few at once: a host that cannot get it fails the command before any container is touched.
 */
@CommandHandler(UpJobCommand)
export class UpJobHandler implements ICommandHandler<UpJobCommand, UpDownResponse> {
  constructor(
    private readonly writer: StreamWriter,
    private readonly hosts: HostQueries,
    private readonly runtimes: HostRuntimes,
    private readonly projections: ProjectionRunner,
    private readonly locks: EnvironmentLocks,
  ) {}

  execute({ env, job, context }: UpJobCommand): Promise<UpDownResponse> {
    return this.locks.run(env, async () => {
      const loaded = await loadJobOnHosts(env, job, this.writer, this.hosts, this.runtimes);
      await this.pullFirst(env, loaded);
      const results: TaskActionResult[] = [];
      const started: JobCommand[] = [];
      try {
        for (const placed of loaded.tasks) {
          const outcome = await this.upTask(env, loaded, placed);
          results.push(outcome.result);
          if (outcome.containerId) {
            started.push({
              type: 'RecordContainerStarted',
              data: {
                job,
                task: placed.task.index,
                host: placed.host.name,
                containerId: outcome.containerId,
                revision: outcome.revision ?? loaded.revision,
              },
              metadata: context,
            });
          }
        }
      } finally {
        // Whatever was started is recorded, even when a later task failed.
        await this.record(env, job, started, context.commandId);
      }
      return { tasks: results };
    });
  }

  /** Pulls the image on every host with a task to create; the first failure (it names its host) is the command's. */
  private async pullFirst(env: string, loaded: LoadedJob): Promise<void> {
    const hosts = new Map<string, ContainerRuntime>();
    for (const { task, host, runtime } of loaded.tasks) {
      const containers = await runtime.list({ env, job: loaded.spec.name, task: task.index });
      const kept = containers.some((c) => isLive(c.state) || standsFor(loaded, c.revision, task.index));
      if (!kept) hosts.set(host.name, runtime);
    }
    const queue = [...hosts.values()];
    const failures: unknown[] = [];
    const worker = async () => {
      for (let runtime = queue.shift(); runtime; runtime = queue.shift()) {
        await runtime.ensureImage(loaded.spec.image).catch((error: unknown) => failures.push(error));
      }
    };
    await Promise.all(Array.from({ length: Math.min(PULL_CONCURRENCY, queue.length) }, worker));
    if (failures.length > 0) throw failures[0];
  }

  private async upTask(
    env: string,
    loaded: LoadedJob,
    { task, host, runtime }: PlacedTask,
  ): Promise<{ result: TaskActionResult; containerId?: string; revision?: number }> {
    const base = { job: loaded.spec.name, task: task.index, host: host.name };
    const containers = await runtime.list({ env, job: loaded.spec.name, task: task.index });
    const running = containers.find((container) => isLive(container.state));
    if (running) {
      const known = Object.values(loaded.state.tasks).some((t) =>
        t.containers.some((c) => c.containerId === running.id && c.state === 'running'),
      );
      // A running container the log does not know yet (started before a crash) is recorded now.
      return {
        result: { ...base, containerId: running.id, action: 'already-running' },
        containerId: known ? undefined : running.id,
      };
    }
    const stopped =
      containers.find((container) => container.revision === loaded.revision) ??
      containers.find((container) => standsFor(loaded, container.revision, task.index));
    if (stopped) {
      await runtime.start(stopped.id);
      return {
        result: { ...base, containerId: stopped.id, action: 'started' },
        containerId: stopped.id,
        revision: stopped.revision,
      };
    }
    const created = await startNewContainer(
      runtime,
      taskContainerSpec(loaded.spec, { env, task: task.index, port: task.port, revision: loaded.revision }),
    );
    return { result: { ...base, containerId: created.id, action: 'started' }, containerId: created.id };
  }

  private async record(env: string, job: string, commands: readonly JobCommand[], commandId: string): Promise<void> {
    const appended = await recordJobCommands(this.writer, env, job, commands, commandId);
    if (appended.position !== undefined) await this.projections.waitFor(appended.position);
  }
}

/** A container `revision` made is the current revision's for the task: the same revision, or one that differs only in policy. */
function standsFor(loaded: LoadedJob, revision: number, task: number): boolean {
  const made = loaded.state.revisions[revision];
  return revision === loaded.revision || (made !== undefined && sameTaskContainer(made, loaded.spec, task));
}
