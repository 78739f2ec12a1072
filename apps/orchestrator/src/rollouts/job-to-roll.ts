import { hasRunningContainer, runningRevision, RolloutInProgressError, type JobState } from '@cj/domain';
import { activeJob, loadActiveJob } from '../store/active-job';
import { foldJob } from '../store/job-stream';
import type { StreamWriter } from '../store/stream-writer';
import { rolloutIdOf, type RolloutService } from './rollout.service';
import type { JobSpec } from '@cj/api';

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
export async function jobToRoll(
  writer: StreamWriter,
  rollouts: RolloutService,
  env: string,
  job: string,
  commandId: string,
): Promise<JobToRoll> {
  const { active, stream } = await rollouts.activeRollout(env, job);
  if (active !== undefined && active !== rolloutIdOf(env, job, commandId))
    throw new RolloutInProgressError(job, active);
  const state = stream ? activeJob(foldJob(stream.records), env, job) : await loadActiveJob(writer, env, job);
  return {
    state,
    current: { revision: state.currentRevision, spec: state.revisions[state.currentRevision] },
    running: runningRevision(state) ?? (hasRunningContainer(state) ? state.currentRevision : undefined),
  };
}
