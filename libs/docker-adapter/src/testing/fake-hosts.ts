import type { HostSpec } from '@cj/api';
import { mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInfraScript } from './infra-scripts';

export interface FakeHost {
  /** `h<i>`; also the engine's hostname. */
  readonly name: string;
  readonly socketPath: string;
  /** `unix://…/h<i>/docker.sock` */
  readonly endpoint: string;
  /** `127.77.<i>.2`: where the host's tasks answer. */
  readonly address: string;
  /** `tcp://127.77.<i>.2:2376`, when started with TLS. */
  readonly tlsEndpoint?: string;
  /** The host as a jobs file would declare it. */
  readonly spec: HostSpec;
}

export interface FakeHosts {
  readonly hosts: readonly FakeHost[];
  /** Removes the hosts, their containers and everything else they made. */
  stop(): Promise<void>;
  /** Stops a host's engine (which stops its containers, as any engine shutdown does) and starts it again. */
  restartEngine(host: FakeHost): Promise<void>;
}

export interface FakeHostOptions {
  /** Pull the demo images on each host from the registry (default true; run ensureDemoImages first). */
  readonly images?: boolean;
  /** A directory with ca.pem, server-cert.pem, server-key.pem: engines also listen on :2376 with TLS. */
  readonly tls?: string;
}

/** Hosts are numbered in blocks, so that test files running at once never share a host. */
const BLOCK = 10;
const BLOCKS = 25;

export function fakeHostsDir(): string {
  return process.env['CJ_FAKEHOSTS_DIR'] ?? '/tmp/cj-fakehosts';
}

/**
 * Starts n fake Docker hosts with tools/infra/fakehosts.sh (each its own network namespace and
 * dockerd, reached at 127.77.<i>.2). Call stop() in afterAll.
 */
export async function startFakeHosts(n: number, options: FakeHostOptions = {}): Promise<FakeHosts> {
  if (!Number.isInteger(n) || n < 1 || n > BLOCK) throw new Error(`startFakeHosts: n must be 1..${BLOCK}, got ${n}`);
  const dir = fakeHostsDir();
  const claim = claimBlock(dir);
  const first = claim.block * BLOCK + 1;
  if (claim.stale) {
    // A dead owner may have used more hosts of the block than asked for now: clear them all.
    await runInfraScript('fakehosts.sh', ['down', String(BLOCK), '--first', String(first)]);
  }
  const args = [
    String(n),
    '--first',
    String(first),
    ...(options.images === false ? [] : ['--images']),
    ...(options.tls ? ['--tls', options.tls] : []),
  ];
  try {
    await runInfraScript('fakehosts.sh', ['up', ...args]);
  } catch (error) {
    claim.release();
    throw error;
  }
  const hosts = Array.from({ length: n }, (_, k): FakeHost => {
    const i = first + k;
    const socketPath = join(dir, `h${i}`, 'docker.sock');
    const endpoint = `unix://${socketPath}`;
    const address = `127.77.${i}.2`;
    return {
      name: `h${i}`,
      socketPath,
      endpoint,
      address,
      ...(options.tls ? { tlsEndpoint: `tcp://${address}:2376` } : {}),
      spec: { name: `h${i}`, endpoint, address },
    };
  });
  let stopped = false;
  return {
    hosts,
    async restartEngine(host: FakeHost) {
      const index = hosts.indexOf(host);
      if (index < 0) throw new Error(`restartEngine: ${host.name} is not one of these hosts`);
      await runInfraScript('fakehosts.sh', ['restart-engine', '1', '--first', String(first + index)]);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await runInfraScript('fakehosts.sh', ['down', String(n), '--first', String(first)]);
      } finally {
        claim.release();
      }
    },
  };
}

/** Claims a free block of host numbers: a directory made atomically, holding the owner's pid. */
function claimBlock(dir: string): { block: number; stale: boolean; release(): void } {
  const claims = join(dir, 'claims');
  mkdirSync(claims, { recursive: true });
  for (let block = 0; block < BLOCKS; block++) {
    const path = join(claims, `block-${block}`);
    let stale = false;
    try {
      mkdirSync(path);
    } catch {
      if (ownerAlive(path)) continue;
      stale = true;
      // The owner died without stopping its hosts: fakehosts.sh up clears what it left.
      rmSync(path, { recursive: true, force: true });
      try {
        mkdirSync(path);
      } catch {
        continue;
      }
    }
    writeFileSync(join(path, 'pid'), String(process.pid));
    return {
      block,
      stale,
      release: () => {
        rmSync(path, { recursive: true, force: true });
        // The last one out leaves no trace; another claim still held keeps the directories.
        for (const empty of [claims, dir]) {
          try {
            rmdirSync(empty);
          } catch {
            return;
          }
        }
      },
    };
  }
  throw new Error(`startFakeHosts: all ${BLOCKS} blocks of fake hosts under ${claims} are in use`);
}

function ownerAlive(path: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(path, 'pid'), 'utf8'));
  } catch {
    return true; // being claimed right now
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
