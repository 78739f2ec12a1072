import type { ChangeKind, JobSpec } from '@cj/api';
import { diffJobSpecs } from './diff-job-specs';
import type { FieldChange } from './field-change';

/** A field change with what it needs. */
export type ClassifiedChange = FieldChange & { readonly kind: ChangeKind };

/** The sections of a spec that only cj reads (`update.maxParallel`, `health.interval`, `reconcile`). */
const POLICY_SECTIONS: readonly string[] = ['update', 'health', 'reconcile'];

const TASK_FIELD = /^tasks\[(\d+)\]\./;

/** Whether the field at `path` (as `diffJobSpecs` names it) is made into the container or only read by cj. */
export function changeKind(path: string): ChangeKind {
  return POLICY_SECTIONS.includes(path.split('.')[0]) ? 'policy' : 'container';
}

export function classifyChanges(changes: readonly FieldChange[]): ClassifiedChange[] {
  return changes.map((change) => ({ ...change, kind: changeKind(change.path) }));
}

/** True when some change needs new containers; false when every change is policy (or there is none). */
export function replacesContainers(changes: readonly FieldChange[]): boolean {
  return changes.some((change) => changeKind(change.path) === 'container');
}

/**
 * Whether `a` and `b` make the same container for task `task`: everything a container is made
 * from is equal, the task's own host and port included (the other tasks' placement is theirs). A
 * container made from one may then stand for the other: only what cj reads differs.
 */
export function sameTaskContainer(a: JobSpec, b: JobSpec, task: number): boolean {
  return taskContainerComparison(a, b)(task);
}

/** Comparisons already made, by the pair of specs (revisions are immutable and their specs parsed once). */
const comparisons = new WeakMap<JobSpec, WeakMap<JobSpec, (task: number) => boolean>>();

/**
 * `sameTaskContainer` for every task of a pair of specs, diffed once: status, observation and up
 * ask it for each of a job's tasks, and a 200-task spec diffed per task is 200 diffs of 200 tasks.
 */
function taskContainerComparison(a: JobSpec, b: JobSpec): (task: number) => boolean {
  if (a === b) return () => true;
  let byB = comparisons.get(a);
  if (byB === undefined) comparisons.set(a, (byB = new WeakMap()));
  let same = byB.get(b);
  if (same === undefined) {
    const changes = diffJobSpecs(a, b).filter((change) => changeKind(change.path) === 'container');
    // A container field outside the tasks' placement differs for every task; a task's own, only for it.
    const placements = changes.map((change) => TASK_FIELD.exec(change.path));
    const everyTask = placements.some((placement) => placement === null);
    const tasks = new Set(
      placements.filter((placement) => placement !== null).map((placement) => Number(placement[1])),
    );
    same = (task: number) => !everyTask && !tasks.has(task);
    byB.set(b, same);
  }
  return same;
}
