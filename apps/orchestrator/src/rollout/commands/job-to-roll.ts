import { runningRevision, RolloutInProgressError, jobStream, type JobSpec, type JobState } from '@cj/domain';
import { foldJob } from '../../commands/job-stream';
import { notFound } from '../../http/problem';
import type { StreamWriter } from '../../store/stream-writer';
import { rolloutIdOf, type RolloutCommands } from '../rollout-commands';

export interface JobToRoll {
  readonly state: JobState;
  readonly current: { readonly revision: number; readonly spec: JobSpec };
  /** The revision the tasks run now; undefined when none runs. */
  readonly running?: number;
}

/**
 * The job a rolling update or a rollback acts on, refused before anything is recorded when it does
 * not exist or has a rollout in progress (other than the one this very request started, on a retry).
 */
export async function jobToRoll(writer: StreamWriter, rollouts: RolloutCommands, env: string, job: string, commandId: string): Promise<JobToRoll> {
  const active = await rollouts.unfinished(env, job);
  if (active !== undefined && active !== rolloutIdOf(env, job, commandId)) throw new RolloutInProgressError(job, active);
  const state = foldJob((await writer.load(jobStream(env, job))).records);
  if (state.status !== 'active' || state.currentRevision === undefined) {
    throw notFound(
      'job-not-found',
      state.status === 'removed' ? `job ${job} was removed from environment ${env}` : `environment ${env} has no job ${job}`,
      `list the jobs with cj status --env ${env}, or apply a jobs file that declares ${job}`,
    );
  }
  const anyRunning = Object.values(state.tasks).some((task) => task.containers.some((c) => c.state === 'running'));
  return {
    state,
    current: { revision: state.currentRevision, spec: state.revisions[state.currentRevision] },
    running: runningRevision(state) ?? (anyRunning ? state.currentRevision : undefined),
  };
}
