import { hostStream, jobStream, planHostRetirements, type HostState, type JobState } from '@cj/domain';
import type { CommandContext } from '../store/command-context';
import { foldJob } from '../store/job-stream';
import type { HostQueries } from '../read-model/queries/host-queries';
import type { StreamWriter } from '../store/stream-writer';
import { foldHost, recordOnHosts } from './record-host-commands';
import type { DroppedHost } from '@cj/api';

/** The environment as an applied jobs file names it: its hosts, and the jobs to look for containers of. */
export interface NamedByFile {
  readonly hosts: readonly string[];
  /** The file's jobs and every other active one (a job being removed may still have containers). */
  readonly jobs: readonly string[];
}

/**
 * The declared hosts the file no longer names, each with the domain's answer (retire or keep, and
 * what holds it), from the hosts' and jobs' streams as they are now. Reads no job stream when the
 * file drops no host.
 */
export async function planDroppedHosts(
  writer: StreamWriter,
  hosts: HostQueries,
  env: string,
  named: NamedByFile,
): Promise<DroppedHost[]> {
  const inFile = new Set(named.hosts);
  const dropped = hosts.specs(env).filter((host) => !inFile.has(host.name));
  if (dropped.length === 0) return [];
  const declared: HostState[] = await Promise.all(
    dropped.map(async (host) => foldHost((await writer.load(hostStream(env, host.name))).records)),
  );
  const jobs: Record<string, JobState> = Object.fromEntries(
    await Promise.all(
      named.jobs.map(async (job) => [job, foldJob((await writer.load(jobStream(env, job))).records)] as const),
    ),
  );
  return planHostRetirements({ declared, named: named.hosts, jobs });
}

/** Records `HostRetired` for each dropped host the rule lets go. Returns the global position of the last event written. */
export function retireHosts(
  writer: StreamWriter,
  env: string,
  dropped: readonly DroppedHost[],
  context: CommandContext,
): Promise<bigint | undefined> {
  const retired = dropped.filter((entry) => entry.action === 'retire');
  return recordOnHosts(
    writer,
    env,
    retired.map(({ host }) => ({
      host,
      command: { type: 'RetireHost', data: { host, reason: 'dropped-from-jobs-file' }, metadata: context },
    })),
  );
}
