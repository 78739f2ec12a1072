import { LIMITS } from '@cj/api';
import type { JobDto } from '../dto/job.dto';
import type { JobsFileDto } from '../dto/jobs-file.dto';
import type { SourceLocation } from '../model';
import { placeTasks } from '../placement';
import { type SourceNode, valueOf } from '../source/source-node';

/** A job as the cross-checks see it: its DTO, its node in the file, and its tasks when placeable. */
export interface JobView {
  readonly dto: JobDto;
  readonly node: SourceNode;
  /** Each task's host and port, and where the host and the port were written. */
  readonly tasks: readonly {
    index: number;
    host: string;
    port: number;
    hostLoc: SourceLocation;
    hostPath: string;
    portLoc: SourceLocation;
  }[];
}

/**
 * The jobs whose shape is sound enough to cross-check. Jobs with field errors are skipped here;
 * their field errors are already reported, and guessing at them would only add noise.
 */
export function jobViews(root: SourceNode, dto: JobsFileDto): JobView[] {
  const jobs = valueOf(root, 'jobs');
  if (jobs?.kind !== 'list' || !Array.isArray(dto.jobs)) return [];
  return dto.jobs.flatMap((job, index) => {
    const node = jobs.items[index];
    if (typeof job !== 'object' || job === null || node.kind !== 'map') return [];
    return [{ dto: job, node, tasks: placedTasks(job, node) }];
  });
}

function placedTasks(job: JobDto, node: SourceNode): JobView['tasks'] {
  const hostsNode = valueOf(node, 'hosts');
  const runOnHost = valueOf(node, 'run_on_host');
  const portNode = valueOf(node, 'port');
  const hosts = typeof job.run_on_host === 'string' ? [job.run_on_host] : job.hosts;
  const validHosts =
    Array.isArray(hosts) &&
    hosts.length > 0 &&
    hosts.length <= LIMITS.hosts &&
    hosts.every((h) => typeof h === 'string');
  const validReplicas =
    job.replicas === undefined ||
    (Number.isInteger(job.replicas) && job.replicas >= 1 && job.replicas <= LIMITS.replicas);
  if (!validHosts || !validReplicas || !Number.isInteger(job.port) || !portNode) return [];
  const hostNodes = runOnHost ? [runOnHost] : hostsNode?.kind === 'list' ? hostsNode.items : [];
  return placeTasks({ hosts, replicas: job.replicas, port: job.port }).map((task) => ({
    ...task,
    hostLoc: hostNodes[task.index % hostNodes.length]?.loc ?? node.loc,
    hostPath: hostNodes[task.index % hostNodes.length]?.path ?? node.path,
    portLoc: portNode.loc,
  }));
}
