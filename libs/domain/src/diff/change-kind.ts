import type { JobSpec } from '../jobs-file/model';
import { diffJobSpecs } from './diff-job-specs';
import type { FieldChange } from './field-change';

/**
 * What a change of a job's spec needs. A `container` field is something a container is made
 * from — the image, the envs, the command, the mounts, a task's host and port, the resources, the
 * restart policy — so only a new container has it. A `policy` field is one only cj reads — the
 * update policy, the health check and what to do when a container dies (`reconcile`) — so it takes effect at once, on the containers that run.
 */
export type ChangeKind = 'container' | 'policy';

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
  return diffJobSpecs(a, b).every((change) => {
    if (changeKind(change.path) === 'policy') return true;
    const placement = TASK_FIELD.exec(change.path);
    return placement !== null && Number(placement[1]) !== task;
  });
}
