import type { ContainerInfo } from '@cj/domain';

/** The revisions cj knows of one job (from its event stream). */
export interface KnownJobRevisions {
  readonly env: string;
  readonly job: string;
  readonly revisions: readonly number[];
}

/**
 * cj's containers that belong to no known job revision: left by a crash between create and record,
 * or by a job deleted from the jobs file. Pure: the caller lists the containers and decides.
 */
export function findOrphans(
  containers: readonly ContainerInfo[],
  known: readonly KnownJobRevisions[],
): ContainerInfo[] {
  const revisions = new Map(known.map((k) => [`${k.env}\u0000${k.job}`, new Set(k.revisions)]));
  return containers.filter((c) => !revisions.get(`${c.env}\u0000${c.job}`)?.has(c.revision));
}
