import { issueAt, type JobsFileIssue } from '../issues';
import { childPath, entryOf, valueOf } from '../source/source-node';
import type { JobView } from './job-view';

/** Each job is placed exactly one way, on distinct hosts, at ports that exist. */
export function checkPlacement(jobs: readonly JobView[]): JobsFileIssue[] {
  return jobs.flatMap(({ dto, node, tasks }) => {
    const issues: JobsFileIssue[] = [];
    const hosts = entryOf(node, 'hosts');
    if (dto.run_on_host !== undefined && hosts) {
      issues.push(
        issueAt(
          hosts.keyLoc,
          hosts.value.path,
          'a job takes run_on_host or hosts, not both',
          'keep run_on_host for one task, or list every host under hosts',
        ),
      );
    } else if (dto.run_on_host === undefined && !hosts) {
      issues.push(
        issueAt(
          node.loc,
          childPath(node.path, 'run_on_host'),
          `job ${JSON.stringify(dto.name)} is not placed on any host`,
          'add run_on_host: HOST, or hosts: [HOST, …] (with replicas: N to run more tasks than hosts)',
        ),
      );
    }
    const listed = valueOf(node, 'hosts');
    if (listed?.kind === 'list') {
      listed.items.forEach((item, index) => {
        const first = listed.items.findIndex(
          (other) => other.kind === 'scalar' && item.kind === 'scalar' && other.value === item.value,
        );
        if (first < index && item.kind === 'scalar') {
          issues.push(
            issueAt(
              item.loc,
              item.path,
              `host ${JSON.stringify(item.value)} is listed twice`,
              'list each host once; use replicas: N to run several tasks per host',
            ),
          );
        }
      });
    }
    for (const task of tasks) {
      if (task.port > 65535) {
        issues.push(
          issueAt(
            task.portLoc,
            childPath(node.path, 'port'),
            `task ${task.index} on ${task.host} would need port ${task.port}, above 65535`,
            'pick a lower port: the n-th task on a host listens on port + n',
          ),
        );
      }
    }
    return issues;
  });
}
