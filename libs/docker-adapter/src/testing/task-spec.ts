import type { ContainerSpec } from '@cj/domain';
import type { ImageRef } from '@cj/api';

/** A task of a test job: the demo image, no mounts, no limits, restart `no`. */
export function taskSpec(
  overrides: Partial<ContainerSpec> & { env: string; image: ImageRef; port: number },
): ContainerSpec {
  return {
    job: 'web',
    task: 0,
    revision: 1,
    envs: [],
    mounts: [],
    resources: {},
    restart: 'no',
    ...overrides,
  };
}
