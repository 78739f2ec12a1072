import type { JobsFileDto } from '../dto/jobs-file.dto';
import { formatLocation, issueAt, type JobsFileIssue } from '../issues';
import { type SourceNode, valueOf } from '../source/source-node';
import { closest } from '../suggest';
import type { JobView } from './job-view';

/** Host names are unique, and every host a job names is declared in `hosts`. */
export function checkHostReferences(root: SourceNode, dto: JobsFileDto, jobs: readonly JobView[]): JobsFileIssue[] {
  const hostNodes = valueOf(root, 'hosts');
  const declared = Array.isArray(dto.hosts)
    ? dto.hosts.map((host) => host?.name).filter((n): n is string => typeof n === 'string')
    : [];
  const issues: JobsFileIssue[] = [];
  if (hostNodes?.kind === 'list') {
    declared.forEach((name, index) => {
      const first = declared.indexOf(name);
      const nameNode = valueOf(hostNodes.items[index], 'name');
      const firstNode = valueOf(hostNodes.items[first], 'name');
      if (first < index && nameNode && firstNode) {
        issues.push(
          issueAt(
            nameNode.loc,
            nameNode.path,
            `host ${JSON.stringify(name)} is declared twice (first at ${formatLocation(firstNode.loc)})`,
            'declare each host once',
          ),
        );
      }
    });
  }
  for (const job of jobs) {
    const seen = new Set<string>();
    for (const task of job.tasks) {
      if (declared.includes(task.host) || seen.has(task.host)) continue;
      seen.add(task.host);
      const suggestion = closest(task.host, declared);
      issues.push(
        issueAt(
          task.hostLoc,
          task.hostPath,
          `job ${JSON.stringify(job.dto.name)} runs on host ${JSON.stringify(task.host)}, which is not declared`,
          declared.length === 0
            ? 'declare it under hosts: (for a text-format jobs file, in its companion hosts file), e.g. hosts: { ' +
                task.host +
                ': unix:///var/run/docker.sock }'
            : `${suggestion ? `did you mean ${JSON.stringify(suggestion)}? ` : ''}declared hosts: ${declared.join(', ')}; or add it under hosts:`,
        ),
      );
    }
  }
  return issues;
}
