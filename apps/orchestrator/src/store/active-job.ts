import { jobStream, type JobState } from '@cj/domain';
import { notFound } from '../http/problem';
import type { StreamWriter } from './stream-writer';
import { foldJob } from './job-stream';

/** A job that exists and has a current revision. */
export type ActiveJob = JobState & { readonly currentRevision: number };

/** The job's state from its stream; a job never applied, or removed, is a 404 that says what to do. */
export async function loadActiveJob(writer: StreamWriter, env: string, job: string): Promise<ActiveJob> {
  return activeJob(foldJob((await writer.load(jobStream(env, job))).records), env, job);
}

/** The job's state as folded, if it exists and has a current revision; else the same 404. */
export function activeJob(state: JobState, env: string, job: string): ActiveJob {
  if (state.status !== 'active' || state.currentRevision === undefined) {
    throw notFound(
      'job-not-found',
      state.status === 'removed'
        ? `job ${job} was removed from environment ${env}`
        : `environment ${env} has no job ${job}`,
      `list the jobs with cj status --env ${env}, or apply a jobs file that declares ${job}`,
    );
  }
  return state as ActiveJob;
}
