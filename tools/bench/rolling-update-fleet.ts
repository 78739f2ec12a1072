/**
 * The machines cj updates: three fake Docker hosts (tools/infra/fakehosts.sh), each its own network
 * namespace and engine, with the demo images pulled from the local registry. The benchmark numbers
 * its hosts from 251, outside the blocks the test suites claim, so a run never shares a host.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run } from './rolling-update-command';

/** The workspace root, from the compiled script's place (dist/tools/bench). */
export const WORKSPACE = resolve(__dirname, '../../..');
const INFRA = join(WORKSPACE, 'tools/infra');
const FIRST_HOST = 251;
export const REGISTRY = '127.77.0.1:5000';

export interface FleetHost {
  readonly name: string;
  readonly endpoint: string;
  /** Where the host's tasks answer. */
  readonly address: string;
}

/** The workspace's infra scripts are not where the compiled benchmark expects them. */
export class WorkspaceNotFoundError extends Error {
  constructor(path: string) {
    super(
      `${path} is missing: run the compiled benchmark from the workspace (node -r ./tools/runtime/register.cjs dist/tools/bench/rolling-update.js)`,
    );
    this.name = 'WorkspaceNotFoundError';
  }
}

const infra = (script: string, ...args: string[]) => run('bash', [join(INFRA, script), ...args]);

export class Fleet {
  private constructor(
    readonly hosts: readonly FleetHost[],
    private readonly startedRegistry: boolean,
  ) {}

  /**
   * Makes sure the engine, the demo images and the registry are there (with `big`, the big images
   * in the registry too: they are never on the hosts), then starts the hosts.
   */
  static async start(count: number, big = false): Promise<Fleet> {
    if (!existsSync(join(INFRA, 'fakehosts.sh'))) throw new WorkspaceNotFoundError(join(INFRA, 'fakehosts.sh'));
    await infra('engine.sh', 'up');
    await infra('images.sh');
    const registryWasUp = await registryAnswers();
    await infra('registry.sh', 'up');
    if (big) await infra('big-images.sh');
    await infra('fakehosts.sh', 'up', String(count), '--first', String(FIRST_HOST), '--images');
    const dir = process.env['CJ_FAKEHOSTS_DIR'] ?? '/tmp/cj-fakehosts';
    const hosts = Array.from({ length: count }, (_, k): FleetHost => {
      const i = FIRST_HOST + k;
      return { name: `h${i}`, endpoint: `unix://${dir}/h${i}/docker.sock`, address: `127.77.${i}.2` };
    });
    return new Fleet(hosts, !registryWasUp);
  }

  /**
   * Makes the hosts download `tag` again: removes the job's stopped containers (those a rollout kept
   * for rollback) and every image of that version (the demo images' `org.example.version` label).
   */
  async forget(tag: string): Promise<void> {
    for (const host of this.hosts) await forgetImage(['-H', host.endpoint], tag, true);
  }

  /** Removes the hosts and everything on them; stops the registry only when this run started it. */
  async stop(): Promise<void> {
    await infra('fakehosts.sh', 'down', String(this.hosts.length), '--first', String(FIRST_HOST));
    if (this.startedRegistry) await infra('registry.sh', 'down');
  }
}

/** True when a registry already answers on the demo address (any HTTP status). */
function registryAnswers(): Promise<boolean> {
  return fetch(`http://${REGISTRY}/v2/`).then(
    () => true,
    () => false,
  );
}

/**
 * On one engine (`docker` arguments to reach it): removes the images of version `tag` and, on a
 * host of the fleet only (`stoppedContainers`), the stopped cj containers that still hold them.
 */
export async function forgetImage(engine: readonly string[], tag: string, stoppedContainers: boolean): Promise<void> {
  const docker = (...args: string[]) => run('docker', [...engine, ...args]);
  const lines = (text: string) => text.split('\n').filter((line) => line.length > 0);
  if (stoppedContainers) {
    const stopped = lines(await docker('ps', '-aq', '--filter', 'label=cj.job', '--filter', 'status=exited'));
    if (stopped.length > 0) await docker('rm', ...stopped);
  }
  const images = [...new Set(lines(await docker('images', '-q', '--filter', `label=org.example.version=${tag}`)))];
  if (images.length > 0) await docker('rmi', '-f', ...images);
}
