/**
 * Leftovers: containers of a job that the placement a rollout leaves behind has no place for. A
 * rollout acts on the tasks of its target revision on their target hosts, so a task the target
 * dropped (scale down) or moved to another host would keep its old container running forever;
 * the rollout's last step finds such containers on every host of the environment and removes them.
 */
import type { ActiveRollout } from './state';

/**
 * Where one task of the job may have containers once the rollout succeeds. `host` is absent for
 * a task put back to the old revision (it failed within the allowed ratio): the old placement is
 * what runs for it, wherever that was.
 */
export interface TaskPlacement {
  readonly task: number;
  readonly host?: string;
}

/** A container of the job as found on a host: which task and revision its labels name, and where it is. */
export interface PlacedContainer {
  readonly task: number;
  readonly revision: number;
  readonly host: string;
}

/** The placement a successful rollout leaves: updated tasks on their target hosts, restored tasks where they ran. */
export const finalPlacement = (s: ActiveRollout): TaskPlacement[] =>
  s.tasks.map((t) => (t.phase === 'updated' ? { task: t.task, host: t.host } : { task: t.task }));

/**
 * A container is a leftover when the placement has no such task, or has it on another host.
 * Containers a task keeps for a quick rollback on its own host are not leftovers (the task's
 * remove-replaced step prunes those). A task label that is no task index, or a revision the job
 * never recorded (`knownRevisions` are those it did), was not set by cj: such a container is
 * someone's on purpose, reported by observation as unexpected, and left alone.
 */
export function isLeftover(
  placement: readonly TaskPlacement[],
  container: PlacedContainer,
  knownRevisions: ReadonlySet<number>,
): boolean {
  if (!Number.isInteger(container.task) || container.task < 0 || !knownRevisions.has(container.revision)) return false;
  const place = placement.find((p) => p.task === container.task);
  return place === undefined || (place.host !== undefined && place.host !== container.host);
}
