import type { ContainerRuntime, JobState } from '@cj/domain';
import type { HostSpec, JobSpec, TaskSpec } from '@cj/api';
import { refuseHeldHosts, RolloutInProgressError } from '@cj/domain';
import { unprocessable } from '../http/problem';
import type { HostRuntimes } from '../hosts/host-runtimes';
import type { HostQueries } from '../read-model/queries/host-queries';
import type { StreamWriter } from '../store/stream-writer';
import { loadActiveJob } from '../store/active-job';

export interface PlacedTask {
  readonly task: TaskSpec;
  readonly host: HostSpec;
  readonly runtime: ContainerRuntime;
}

export interface LoadedJob {
  readonly state: JobState;
  readonly revision: number;
  readonly spec: JobSpec;
  readonly tasks: readonly PlacedTask[];
}

/**
 * A job's current revision with each task's host engine, after checking that no rollout of the
 * job is active and that every host answers: a command that cannot reach all of its hosts does
 * nothing rather than half of it.
 */
export async function loadJobOnHosts(
  env: string,
  job: string,
  writer: StreamWriter,
  hosts: HostQueries,
  runtimes: HostRuntimes,
): Promise<LoadedJob> {
  const state = await loadActiveJob(writer, env, job);
  // A rollout owns the job's containers until it ends: up or down now would fight its steps.
  if (state.activeRolloutId !== undefined) throw new RolloutInProgressError(job, state.activeRolloutId);
  const spec = state.revisions[state.currentRevision];
  // A held host may be another cluster's machine that this copy of the log remembers.
  refuseHeldHosts(
    env,
    spec.tasks.map((task) => task.host),
    hosts.held(env),
  );
  const tasks = spec.tasks.map((task) => {
    const host = hosts.spec(env, task.host);
    if (!host) {
      throw unprocessable(
        'host-not-declared',
        `task ${task.index} of ${job} runs on host ${task.host}, which environment ${env} does not declare`,
        'add the host to the hosts section and apply again',
      );
    }
    return { task, host, runtime: runtimes.for(host) };
  });
  const distinct = new Map(tasks.map((placed) => [placed.host.name, placed.runtime]));
  await Promise.all([...distinct.values()].map((runtime) => runtime.engineInfo()));
  return { state, revision: state.currentRevision, spec, tasks };
}
