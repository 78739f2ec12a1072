import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { startNewContainer } from '@cj/docker-adapter';
import {
  decideRestarts,
  foldReconcile,
  jobStream,
  taskContainerSpec,
  type ContainerInfo,
  type JobCommand,
  type ReconcileState,
  type TaskRestart,
} from '@cj/domain';
import type { Clock } from '../clock';
import type { CommandContexts } from '../store/command-contexts';
import { jobEvents } from '../store/job-stream';
import { recordJobCommands } from '../store/record-job-commands';
import type { EnvironmentLocks } from '../hosts/environment-locks';
import type { HostRuntimes } from '../hosts/host-runtimes';
import type { ProjectionRunner } from '../read-model/projection-runner';
import type { HostQueries } from '../read-model/queries/host-queries';
import type { TaskQueries, TaskRow } from '../read-model/queries/task-queries';
import type { StreamWriter } from '../store/stream-writer';

export interface TaskHealerDeps {
  readonly hosts: HostQueries;
  readonly tasks: TaskQueries;
  readonly runtimes: HostRuntimes;
  readonly writer: StreamWriter;
  readonly projections: ProjectionRunner;
  readonly contexts: CommandContexts;
  readonly locks: EnvironmentLocks;
  readonly clock: Clock;
}

/**
 * Reconcile: restarts the tasks meant to run that have no running container, by the domain's
 * `decideRestarts` (backoff, rollouts, `cj down` and `reconcile: report` included). Each job is
 * looked at under the environment's lock, from its stream as it is then and its hosts' listings:
 * the exited container is started again, or one of the task's revision is created in place of one
 * that is gone, and the job's stream records `TaskRestarted` with the `ContainerStarted`, or
 * `TaskRestartFailed` with what the engine answered. The read model only picks which jobs to look at.
 */
export class TaskHealer {
  private readonly logger = new Logger('reconcile');

  constructor(private readonly deps: TaskHealerDeps) {}

  /** One pass over every environment. */
  async healAll(): Promise<void> {
    for (const env of this.deps.hosts.envs()) {
      for (const job of new Set(
        this.deps.tasks
          .tasks(env)
          .filter(mayNeedRestart)
          .map((row) => row.job),
      )) {
        // Outside the lock first, so a job in backoff or with `reconcile: report` never holds up observation.
        if (!this.mayRestart(env, await this.load(env, job))) continue;
        await this.deps.locks.run(env, () => this.heal(env, job));
      }
    }
  }

  private async load(env: string, job: string): Promise<ReconcileState> {
    return foldReconcile(jobEvents((await this.deps.writer.load(jobStream(env, job))).records));
  }

  /** Every host answering and nothing listed: the most the rule could restart now. */
  private mayRestart(env: string, state: ReconcileState): boolean {
    const held = this.deps.hosts.held(env);
    const everyHost = new Set(
      this.deps.hosts
        .specs(env)
        .map((host) => host.name)
        .filter((host) => !held.has(host)),
    );
    return (
      decideRestarts({ state, containers: [], answered: everyHost, now: this.deps.clock.now().toISOString() }).length >
      0
    );
  }

  private async heal(env: string, job: string): Promise<void> {
    const state = await this.load(env, job);
    if (!this.mayRestart(env, state)) return;
    const now = this.deps.clock.now().toISOString();
    const listed = await this.listJob(env, job, state);
    // A held host counts as not answering: nothing of it is restarted until it is confirmed.
    const held = this.deps.hosts.held(env);
    const answered = new Set([...listed.answered].filter((host) => !held.has(host)));
    const containers = listed.containers.filter((container) => !held.has(container.host));
    const restarts = decideRestarts({ state, containers, answered, now });
    if (restarts.length === 0) return;
    const commandId = randomUUID();
    const metadata = this.deps.contexts.system(
      commandId,
      `reconcile: task${restarts.length > 1 ? 's' : ''} ${restarts.map((r) => r.task).join(', ')} of ${job} not running`,
    );
    const commands: JobCommand[] = [];
    for (const restart of restarts) {
      const ref = {
        job,
        task: restart.task,
        host: restart.host,
        revision: restart.revision,
        cause: restart.cause,
        reason: restart.reason,
        attempt: restart.attempt,
      };
      try {
        const containerId = await this.restart(env, state, restart);
        commands.push(
          { type: 'RecordTaskRestarted', data: { ...ref, containerId }, metadata },
          {
            type: 'RecordContainerStarted',
            data: { job, task: restart.task, host: restart.host, containerId, revision: restart.revision },
            metadata,
          },
        );
        this.logger.log({
          msg: 'task restarted',
          env,
          job,
          task: restart.task,
          host: restart.host,
          reason: restart.reason,
          attempt: restart.attempt,
        });
      } catch (failure) {
        const error = failure instanceof Error ? failure.message : String(failure);
        commands.push({ type: 'RecordTaskRestartFailed', data: { ...ref, error }, metadata });
        this.logger.warn({
          msg: 'task restart failed',
          env,
          job,
          task: restart.task,
          host: restart.host,
          attempt: restart.attempt,
          error,
        });
      }
    }
    const appended = await recordJobCommands(this.deps.writer, env, job, commands, commandId);
    if (appended.position !== undefined) await this.deps.projections.waitFor(appended.position);
  }

  /** The job's containers on the hosts of its tasks and of their last containers; a host that does not answer is left out. */
  private async listJob(
    env: string,
    job: string,
    state: ReconcileState,
  ): Promise<{ containers: ContainerInfo[]; answered: Set<string> }> {
    const spec = state.job.currentRevision === undefined ? undefined : state.job.revisions[state.job.currentRevision];
    const names = new Set([
      ...(spec?.tasks ?? []).map((task) => task.host),
      ...Object.values(state.tasks).flatMap((life) => (life.lastContainer ? [life.lastContainer.host] : [])),
    ]);
    const answered = new Set<string>();
    const containers: ContainerInfo[] = [];
    await Promise.all(
      [...names].map(async (name) => {
        const host = this.deps.hosts.spec(env, name);
        if (!host) return;
        try {
          containers.push(...(await this.deps.runtimes.for(host).list({ env, job })));
          answered.add(name);
        } catch {
          // Nothing is known of that host's containers: its tasks wait for it to answer.
        }
      }),
    );
    return { containers, answered };
  }

  /** Starts the exited container again, or creates and starts one of the task's revision; the container's id. */
  private async restart(env: string, state: ReconcileState, restart: TaskRestart): Promise<string> {
    const host = this.deps.hosts.spec(env, restart.host);
    if (!host) throw new Error(`host ${restart.host} is not declared in environment ${env}`);
    const runtime = this.deps.runtimes.for(host);
    if (restart.start !== undefined) {
      await runtime.start(restart.start);
      return restart.start;
    }
    const spec = state.job.revisions[restart.revision];
    const port = spec.tasks.find((task) => task.index === restart.task)?.port;
    if (port === undefined)
      throw new Error(`revision ${restart.revision} of ${restart.job} has no task ${restart.task}`);
    const created = await startNewContainer(
      runtime,
      taskContainerSpec(spec, { env, task: restart.task, port, revision: restart.revision }),
    );
    return created.id;
  }
}

/**
 * A task worth a look: no running container, and either cj started it last (the read model's
 * desired state) or a container of it is still known. A task never started, or brought down, is not.
 */
function mayNeedRestart(row: TaskRow): boolean {
  return row.observed_state !== 'running' && (row.desired_state === 'running' || row.container_id !== null);
}
