import { jobStream } from '@cj/domain';
import { foldJob } from '../store/job-stream';
import type { StreamWriter } from '../store/stream-writer';
import { UnknownRevision, type JobRevision, type RevisionCatalog } from './rollout-ports';

/**
 * Revisions as the job's stream records them. A revision never changes once recorded (it pins the
 * image by digest and the whole spec), so each one is read once and kept.
 */
export class JobStreamRevisions implements RevisionCatalog {
  private readonly known = new Map<string, JobRevision>();

  constructor(private readonly writer: StreamWriter) {}

  async revision(env: string, job: string, revision: number): Promise<JobRevision> {
    const key = `${env}/${job}/${revision}`;
    const cached = this.known.get(key);
    if (cached) return cached;
    const spec = foldJob((await this.writer.load(jobStream(env, job))).records).revisions[revision];
    if (!spec) throw new UnknownRevision(env, job, revision);
    const found = { revision, spec };
    this.known.set(key, found);
    return found;
  }
}
