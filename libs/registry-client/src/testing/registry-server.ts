import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch } from 'undici';
import { stringify } from 'yaml';
import { freeLoopbackPort } from './loopback';

export interface RegistryServerOptions {
  /** Storage to serve; a fresh temporary directory when absent (and removed on stop). */
  readonly storageDir?: string;
  /** Require this login (bcrypt htpasswd made with `htpasswd -Bbn`). */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** Require bearer tokens from `realm`, signed by the key of the certificate in `rootCertBundlePath`. */
  readonly tokenAuth?: {
    readonly realm: string;
    readonly service: string;
    readonly issuer: string;
    readonly rootCertBundlePath: string;
  };
  /** Serve HTTPS with this certificate and key. */
  readonly tls?: { readonly certificatePath: string; readonly keyPath: string; readonly caCertificate: string };
  readonly deleteEnabled?: boolean;
}

export interface RegistryServer {
  /** `http://127.0.0.1:PORT` or `https://…`. */
  readonly url: string;
  /** `127.0.0.1:PORT`, as in image references. */
  readonly host: string;
  readonly storageDir: string;
  readonly logPath: string;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 10_000;

/** Runs Debian's `docker-registry` (docker/distribution 2.8) on a free loopback port. */
export async function startRegistryServer(options: RegistryServerOptions = {}): Promise<RegistryServer> {
  const workDir = mkdtempSync(join(tmpdir(), 'registry-server-'));
  const storageDir = options.storageDir ?? join(workDir, 'data');
  const port = await freeLoopbackPort();
  const configPath = join(workDir, 'config.yml');
  writeFileSync(configPath, stringify(registryConfig(options, storageDir, port, workDir)));

  const logPath = join(workDir, 'registry.log');
  const log = openSync(logPath, 'w');
  const child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await stopProcess(child, exited);
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await waitForApi(url, child, options.tls?.caCertificate);
  } catch (error) {
    const output = readFileSync(logPath, 'utf8').split('\n').slice(-10).join('\n');
    await stop();
    throw new Error(`docker-registry did not start: ${(error as Error).message}\n${output}`);
  }
  return { url, host: `127.0.0.1:${port}`, storageDir, logPath, stop };
}

function registryConfig(options: RegistryServerOptions, storageDir: string, port: number, workDir: string): object {
  return {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: storageDir },
      delete: { enabled: options.deleteEnabled ?? true },
    },
    http: {
      addr: `127.0.0.1:${port}`,
      ...(options.tls ? { tls: { certificate: options.tls.certificatePath, key: options.tls.keyPath } } : {}),
    },
    ...authConfig(options, workDir),
  };
}

function authConfig(options: RegistryServerOptions, workDir: string): object {
  if (options.basicAuth) {
    const path = join(workDir, 'htpasswd');
    const { username, password } = options.basicAuth;
    writeFileSync(path, execFileSync('htpasswd', ['-Bbn', username, password]));
    return { auth: { htpasswd: { realm: 'registry test', path } } };
  }
  if (options.tokenAuth) {
    const { realm, service, issuer, rootCertBundlePath } = options.tokenAuth;
    return { auth: { token: { realm, service, issuer, rootcertbundle: rootCertBundlePath } } };
  }
  return {};
}

/** Ready when `/v2/` answers at all: with auth on, 401 is the healthy answer. */
async function waitForApi(url: string, child: ChildProcess, caCertificate?: string): Promise<void> {
  const dispatcher = new Agent(caCertificate ? { connect: { ca: caCertificate } } : {});
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`it exited (${child.exitCode ?? child.signalCode})`);
      try {
        await fetch(`${url}/v2/`, { dispatcher, signal: AbortSignal.timeout(1_000) }).then((response) =>
          response.arrayBuffer(),
        );
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`no answer at ${url}/v2/ within ${STARTUP_TIMEOUT_MS} ms (${String(error)})`);
      }
      await sleep(50);
    }
  } finally {
    await dispatcher.close();
  }
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  process.kill(child.pid, 'SIGTERM');
  const stopped = await Promise.race([
    exited.then(() => true),
    sleep(5_000, undefined, { ref: false }).then(() => false),
  ]);
  if (!stopped) {
    process.kill(child.pid, 'SIGKILL');
    await exited;
  }
}
