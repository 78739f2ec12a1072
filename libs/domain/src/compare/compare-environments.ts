import type { EnvironmentDifference, JobSpec, TaskStatus } from '@cj/api';
import { diffJobSpecs } from '../diff/diff-job-specs';

/** One environment as the compare reads it: each job's current revision, and its tasks as status shows them. */
export interface ComparedEnvironment {
  readonly env: string;
  readonly jobs: ReadonlyMap<string, JobSpec>;
  readonly tasks: readonly TaskStatus[];
}

/** Spec paths that name a host: a replica is expected to run elsewhere. */
const HOST_PATH = /^tasks\[\d+\]\.host$/;

/**
 * Every difference between two environments' jobs but host names (and what follows from them:
 * container ids, addresses, observation times): jobs on one side only, every spec field (image
 * tag and digest included, task count and ports), each task's desired state, and what runs —
 * whether a container runs, its image digest and whether it is what its revision makes. Revision
 * numbers are left out too: a replica counts its own. Empty: the environments are the same.
 */
export function compareEnvironments(left: ComparedEnvironment, right: ComparedEnvironment): EnvironmentDifference[] {
  const names = [...new Set([...left.jobs.keys(), ...right.jobs.keys()])].sort();
  return names.flatMap((job) => {
    const a = left.jobs.get(job);
    const b = right.jobs.get(job);
    if (!a || !b) return [{ job, field: 'job', ...(a && { left: 'declared' }), ...(b && { right: 'declared' }) }];
    return [...specDifferences(job, a, b), ...taskDifferences(job, tasksOf(left, job), tasksOf(right, job))];
  });
}

function specDifferences(job: string, a: JobSpec, b: JobSpec): EnvironmentDifference[] {
  const count =
    a.tasks.length === b.tasks.length
      ? []
      : [{ job, field: 'tasks', left: String(a.tasks.length), right: String(b.tasks.length) }];
  const fields = diffJobSpecs(a, b)
    .filter((change) => !HOST_PATH.test(change.path))
    .map((change) => ({
      job,
      field: change.path,
      ...(change.before !== undefined && { left: text(change.before) }),
      ...(change.after !== undefined && { right: text(change.after) }),
    }));
  return [...count, ...fields];
}

/** Per task index (present on both sides: a task of one side only is a spec difference already). */
function taskDifferences(
  job: string,
  a: ReadonlyMap<number, TaskStatus>,
  b: ReadonlyMap<number, TaskStatus>,
): EnvironmentDifference[] {
  const out: EnvironmentDifference[] = [];
  for (const [task, one] of [...a].sort(([x], [y]) => x - y)) {
    const other = b.get(task);
    if (!other) continue;
    const l = runFacts(one);
    const r = runFacts(other);
    for (const field of Object.keys(l)) {
      if (l[field] !== r[field])
        out.push({
          job,
          task,
          field,
          ...(l[field] !== undefined && { left: l[field] }),
          ...(r[field] !== undefined && { right: r[field] }),
        });
    }
  }
  return out;
}

/** What a task runs, as status shows it, without anything that names its host or container. */
function runFacts(task: TaskStatus): Record<string, string | undefined> {
  return {
    'desired.state': task.desired.state,
    'observed.state': task.observed?.state,
    'observed.digest': task.observed?.digest,
    'observed.upToDate': task.observed?.upToDate === undefined ? undefined : String(task.observed.upToDate),
  };
}

function tasksOf(environment: ComparedEnvironment, job: string): Map<number, TaskStatus> {
  return new Map(environment.tasks.filter((task) => task.job === job).map((task) => [task.task, task]));
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
