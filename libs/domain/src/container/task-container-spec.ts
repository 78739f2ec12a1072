import type { ContainerSpec } from '../ports/container-runtime';
import type { JobSpec } from '@cj/api';

/** Where one container of a job goes: its environment, task and port, the revision it is made of, and its rollout. */
export interface TaskContainerPlace {
  readonly env: string;
  readonly task: number;
  readonly port: number;
  readonly revision: number;
  /** The rollout that creates it, when one does (its containers carry the rollout's id). */
  readonly rollout?: string;
}

/** What the engine is asked to create for one task of `job` at `place`: `up`, reconcile and rollouts all make it so. */
export function taskContainerSpec(job: JobSpec, place: TaskContainerPlace): ContainerSpec {
  return {
    env: place.env,
    job: job.name,
    task: place.task,
    revision: place.revision,
    ...(place.rollout !== undefined && { rollout: place.rollout }),
    image: job.image,
    port: place.port,
    envs: job.envs,
    mounts: job.mounts,
    ...(job.command && { command: job.command }),
    resources: job.resources,
    restart: job.restart,
    health: job.health,
  };
}
