import { JobNotFoundError, jobStream, type JobState } from '@cj/domain';
import type { StreamWriter } from './stream-writer';
import { foldJob } from './job-stream';

/** A job that exists and has a current revision. */
export type ActiveJob = JobState & { readonly currentRevision: number };

/** The job's state from its stream; a job never applied, or removed, is refused (the API answers 404) with what to do. */
export async function loadActiveJob(writer: StreamWriter, env: string, job: string): Promise<ActiveJob> {
  return activeJob(foldJob((await writer.load(jobStream(env, job))).records), env, job);
}

/** The job's state as folded, if it exists and has a current revision; else the same refusal. */
export function activeJob(state: JobState, env: string, job: string): ActiveJob {
  if (state.status !== 'active' || state.currentRevision === undefined) {
    throw new JobNotFoundError(job, { env, removed: state.status === 'removed' });
  }
  return state as ActiveJob;
}
