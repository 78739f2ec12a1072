/**
 * The typed model of a jobs file: what both the YAML form and the seed's text form parse to.
 * Every field has its default applied here, so the rest of cj never guesses. The job and host
 * specs are the API's (`@cj/api`).
 */
import type { HostSpec, JobSpec } from '@cj/api';

export interface Environment {
  /** Environment name (`prod`, `staging`, `default`): prefix of every stream of it. */
  readonly name: string;
  /** Registry host that image references without one were resolved against, if the file set one. */
  readonly registry?: string;
  readonly hosts: readonly HostSpec[];
  readonly jobs: readonly JobSpec[];
}

/**
 * What cj does when a task meant to run has no running container (exited, or gone from its host):
 * `restart` it, with backoff, or only `report` it (the events show it; nothing acts).
 */
export type ReconcilePolicy = 'restart' | 'report';

/** The job's reconcile policy, its default applied. */
export function reconcilePolicy(spec: Pick<JobSpec, 'reconcile'>): ReconcilePolicy {
  return spec.reconcile ?? 'restart';
}

/** Where in the jobs file a value came from, for error messages (1-based). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}
