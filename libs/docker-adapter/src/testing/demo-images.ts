import type { ImageRef } from '@cj/api';
import { runInfraScript } from './infra-scripts';

/** The registry of tools/infra/registry.sh, reachable from this machine and every fake host. */
export const DEMO_REGISTRY = '127.77.0.1:5000';
/** The same registry behind basic auth (registry.sh up --auth). */
export const DEMO_AUTH_REGISTRY = '127.77.0.1:5001';
export const DEMO_AUTH_CREDENTIALS = { username: 'cj', password: 'cj-secret' } as const;

export type DemoTag = 'v1' | 'v2' | 'crash' | 'unhealthy';

/** A demo image in the registry (`127.77.0.1:5000/cj-demo:<tag>`). */
export function demoImage(tag: DemoTag | string, registry: string = DEMO_REGISTRY): ImageRef {
  return { registry, repository: 'cj-demo', tag };
}

/**
 * Builds the demo images on the local engine (skipped when unchanged) and starts the registry with
 * them. Idempotent and cheap when everything is in place.
 */
export async function ensureDemoImages(options: { auth?: boolean } = {}): Promise<void> {
  await runInfraScript('images.sh', []);
  await runInfraScript('registry.sh', ['up', ...(options.auth ? ['--auth'] : [])]);
}
