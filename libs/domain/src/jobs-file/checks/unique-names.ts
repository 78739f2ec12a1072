import { formatLocation, issueAt, type JobsFileIssue } from '../issues';
import type { SourceLocation } from '../model';
import { valueOf } from '../source/source-node';
import type { JobView } from './job-view';

/** Job names are unique in the file, and env keys are unique in a job. */
export function checkUniqueNames(jobs: readonly JobView[]): JobsFileIssue[] {
  const issues: JobsFileIssue[] = [];
  const firstJob = new Map<string, SourceLocation>();
  for (const { dto, node } of jobs) {
    const nameNode = valueOf(node, 'name');
    if (typeof dto.name !== 'string' || !nameNode) continue;
    const first = firstJob.get(dto.name);
    if (first) {
      issues.push(
        issueAt(
          nameNode.loc,
          nameNode.path,
          `job ${JSON.stringify(dto.name)} is declared twice (first at ${formatLocation(first)})`,
          'give each job its own name, or merge the two',
        ),
      );
    } else {
      firstJob.set(dto.name, nameNode.loc);
    }
    const envs = valueOf(node, 'envs');
    if (envs?.kind !== 'list') continue;
    const firstKey = new Map<unknown, SourceLocation>();
    for (const env of envs.items) {
      const key = valueOf(env, 'key');
      if (key?.kind !== 'scalar') continue;
      const earlier = firstKey.get(key.value);
      if (earlier) {
        issues.push(
          issueAt(
            key.loc,
            key.path,
            `env ${JSON.stringify(key.value)} is set twice (first at ${formatLocation(earlier)})`,
            'keep one value per env key',
          ),
        );
      } else {
        firstKey.set(key.value, key.loc);
      }
    }
  }
  return issues;
}
