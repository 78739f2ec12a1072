import type { JobSpec } from '@cj/api';
import { DEFAULT_HEALTH, DEFAULT_UPDATE_POLICY } from '../jobs-file/defaults';

/** A complete job spec for tests: two tasks of `demo:v1` on h1 and h2, with any field replaced. */
export function jobSpec(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    name: 'web',
    image: { registry: 'localhost:5000', repository: 'demo', tag: 'v1', digest: `sha256:${'1'.repeat(64)}` },
    tasks: [
      { index: 0, host: 'h1', port: 8080 },
      { index: 1, host: 'h2', port: 8080 },
    ],
    envs: [{ key: 'http_port', value: '8990' }],
    mounts: [],
    health: DEFAULT_HEALTH,
    update: DEFAULT_UPDATE_POLICY,
    resources: {},
    restart: 'unless-stopped',
    ...overrides,
  };
}
