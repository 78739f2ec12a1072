import { formatLocation, issueAt, type JobsFileIssue } from '../issues';
import { childPath } from '../source/source-node';
import type { JobView } from './job-view';

/**
 * Two tasks on one host and port is an error: with host networking a port on a host holds one
 * listener, so the second container could never start. Both places are reported, each naming the
 * other, because either job may be the one to move.
 */
export function checkPortConflicts(jobs: readonly JobView[]): JobsFileIssue[] {
  const taken = new Map<string, { job: JobView; task: JobView['tasks'][number] }>();
  const issues: JobsFileIssue[] = [];
  for (const job of jobs) {
    for (const task of job.tasks) {
      const key = `${task.host}:${task.port}`;
      const holder = taken.get(key);
      if (!holder) {
        taken.set(key, { job, task });
        continue;
      }
      const where = `port ${task.port} on host ${task.host}`;
      const hint =
        'with host networking one port on a host holds one listener: give one of these jobs another port, or move it to another host';
      issues.push(
        issueAt(
          holder.task.portLoc,
          childPath(holder.job.node.path, 'port'),
          `${where} is also taken by job ${JSON.stringify(job.dto.name)} (${formatLocation(task.portLoc)})`,
          hint,
        ),
        issueAt(
          task.portLoc,
          childPath(job.node.path, 'port'),
          `${where} is also taken by job ${JSON.stringify(holder.job.dto.name)} (${formatLocation(holder.task.portLoc)})`,
          hint,
        ),
      );
    }
  }
  return issues;
}
