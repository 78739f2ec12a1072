import type { JobSpec, UpdatePolicy } from '@cj/api';

export const demoPolicy = (overrides: Partial<UpdatePolicy> = {}): UpdatePolicy => ({
  maxParallel: 2,
  order: 'stop-first',
  minHealthyTime: 1000,
  healthyDeadline: 8000,
  progressDeadline: 60_000,
  maxFailureRatio: 0,
  delayBetweenBatches: 0,
  failureAction: 'rollback',
  keepReplaced: 1,
  ...overrides,
});

/** A demo job (busybox httpd answering /health and /version on $PORT) with `replicas` tasks per host. */
export function demoJob(
  name: string,
  image: JobSpec['image'],
  hosts: readonly string[],
  replicas: number,
  basePort: number,
  update: UpdatePolicy,
): JobSpec {
  return {
    name,
    image,
    tasks: hosts.flatMap((host, h) =>
      Array.from({ length: replicas }, (_, r) => ({ index: h * replicas + r, host, port: basePort + r })),
    ),
    envs: [],
    mounts: [],
    health: { type: 'http', path: '/health', expectStatus: 200, interval: 250, timeout: 1000, retries: 1 },
    update,
    resources: {},
    restart: 'no',
  };
}
