import type { JobSpec } from '@cj/api';
import { diffJobSpecs, type DiffOptions } from './diff-job-specs';
import type { FieldChange } from './field-change';

export interface JobChange {
  readonly job: string;
  readonly before: JobSpec;
  readonly after: JobSpec;
  readonly changes: readonly FieldChange[];
}

export interface EnvironmentDiff {
  readonly added: readonly JobSpec[];
  readonly removed: readonly JobSpec[];
  readonly changed: readonly JobChange[];
  readonly unchanged: readonly string[];
}

/** The plan of `cj apply` and the content of `cj diff`: which jobs a new jobs file adds, removes, changes. */
export function diffEnvironments(
  before: { readonly jobs: readonly JobSpec[] },
  after: { readonly jobs: readonly JobSpec[] },
  options: DiffOptions = {},
): EnvironmentDiff {
  const old = new Map(before.jobs.map((job) => [job.name, job]));
  const names = new Set(after.jobs.map((job) => job.name));
  const changed: JobChange[] = [];
  const unchanged: string[] = [];
  for (const job of after.jobs) {
    const previous = old.get(job.name);
    if (!previous) continue;
    const changes = diffJobSpecs(previous, job, options);
    if (changes.length === 0) unchanged.push(job.name);
    else changed.push({ job: job.name, before: previous, after: job, changes });
  }
  return {
    added: after.jobs.filter((job) => !old.has(job.name)),
    removed: before.jobs.filter((job) => !names.has(job.name)),
    changed,
    unchanged,
  };
}
