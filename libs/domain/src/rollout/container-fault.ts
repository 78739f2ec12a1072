/**
 * What fails a task's container at once, whatever its own health check says: the container is not
 * running (exited, restarting, dead), the engine restarted it since it was started, or Docker's
 * HEALTHCHECK calls it unhealthy. No later check can undo any of these, so the gate does not wait
 * for its deadline, and a task that already passed its gate is lost.
 */
import type { ContainerInfo } from '../ports/container-runtime';

/** The container as the rollout started it: what a restart by the engine changes. */
export interface ContainerBaseline {
  readonly restartCount: number;
  /** The engine's start time (ISO 8601), when it was read at the start. */
  readonly startedAt?: string;
}

export type ContainerObservation = Pick<ContainerInfo, 'state' | 'exitCode' | 'restartCount' | 'startedAt' | 'health'>;

/** Why the container can no longer pass, or undefined when it still may. */
export function containerFault(seen: ContainerObservation, since: ContainerBaseline): string | undefined {
  if (seen.state !== 'running') {
    return `container ${seen.state}${seen.exitCode === undefined ? '' : ` (exit code ${seen.exitCode})`}`;
  }
  const restarts = seen.restartCount - since.restartCount;
  if (restarts > 0)
    return `container exited and was restarted by the engine ${restarts === 1 ? 'once' : `${restarts} times`}`;
  // A restart count can be reset behind cj's back (a manual `docker start`); the start time cannot.
  if (since.startedAt !== undefined && seen.startedAt !== undefined && seen.startedAt !== since.startedAt) {
    return `container was started again at ${seen.startedAt}`;
  }
  if (seen.health === 'unhealthy') return "container unhealthy by its image's Docker HEALTHCHECK";
  return undefined;
}
