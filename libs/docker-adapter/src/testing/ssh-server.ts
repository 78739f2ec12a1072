import { execFile, spawn } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FakeHost } from './fake-hosts';
import { waitFor } from './wait-for';

const run = promisify(execFile);

const SSHD = '/usr/sbin/sshd';
/** Each server's keys, config, log and pid file live in a temp directory with this prefix. */
const DIR_PREFIX = 'cj-ssh-';
/** The PATH sshd gives root's sessions on Debian; `docker system dial-stdio` must be found there. */
const SESSION_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export interface SshServer {
  /** `ssh://root@<host address>:<port>` */
  readonly endpoint: string;
  /** The private key root logs in with (OpenSSH format). */
  readonly clientKey: string;
  /** The server's public host key, as a `.pub` line: pin it (`HostSpec.sshHostKey`) or write it to a known_hosts file, else the host is refused. */
  readonly hostKey: string;
  /** Stops sshd (sessions still open end with their clients) and removes its keys. */
  stop(): Promise<void>;
}

export interface SshServerOptions {
  /** Default 22 (the host's network namespace is its own). */
  readonly port?: number;
  /** Where the sessions' Docker CLI goes; default the fake host's engine. */
  readonly dockerHost?: string;
}

/**
 * Starts an sshd inside a fake host's network namespace, listening on its address, that lets root in
 * with a fresh key only and points the Docker CLI of its sessions at that host's engine — what a real
 * host reached over `ssh://` looks like. Call stop() in afterAll.
 */
export async function startSshServer(host: FakeHost, options: SshServerOptions = {}): Promise<SshServer> {
  const port = options.port ?? 22;
  preflight();
  stopAbandoned();
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  const at = (name: string) => join(dir, name);
  writeFileSync(at('owner'), String(process.pid));
  try {
    for (const key of ['host_key', 'client_key']) {
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `cj ${key}`, '-f', at(key)]);
    }
    writeFileSync(at('authorized_keys'), readFileSync(at('client_key.pub')));
    writeFileSync(
      at('sshd_config'),
      [
        `ListenAddress ${host.address}:${port}`,
        `HostKey ${at('host_key')}`,
        `PidFile ${at('sshd.pid')}`,
        `AuthorizedKeysFile ${at('authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        // The keys live in a directory under /tmp, which is world-writable.
        'StrictModes no',
        // SHLVL=1: bash runs ~/.bashrc for a command sent over ssh only as a top-level shell, and a
        // build machine's root may have anything there (a version manager that rehashes under a lock
        // made each session take seconds, sixteen at once past the request timeout). A host that runs
        // containers has no such shell setup; the sessions here do not run this machine's.
        `SetEnv DOCKER_HOST=${options.dockerHost ?? host.endpoint} SHLVL=1`,
        '',
      ].join('\n'),
    );
    // sshd refuses to start without its privilege separation directory; the package's service makes it.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    await run(SSHD, ['-t', '-f', at('sshd_config')]).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`startSshServer: sshd rejects its configuration: ${(error.stderr || error.message).trim()}`);
    });

    const log = openSync(at('sshd.log'), 'a');
    // detached: sshd leads its own session, apart from the test runner's (what setsid does).
    // fakehosts.sh names host h<i>'s network namespace fh<i>.
    const sshd = spawn('nsenter', [`--net=/run/netns/f${host.name}`, SSHD, '-D', '-e', '-f', at('sshd_config')], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    sshd.unref();
    const exited = () => sshd.exitCode !== null || sshd.signalCode !== null;
    const exit = new Promise<void>((resolve) => sshd.once('exit', () => resolve()));
    const stop = async () => {
      if (!exited() && sshd.pid !== undefined) {
        process.kill(sshd.pid, 'SIGTERM');
        await exit;
      }
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      await waitFor(
        `sshd on ${host.address}:${port}`,
        async () => {
          if (exited()) throw new Error(`startSshServer: sshd exited: ${readFileSync(at('sshd.log'), 'utf8').trim()}`);
          return accepts(host.address, port);
        },
        10_000,
        50,
      );
    } catch (error) {
      await stop();
      throw error;
    }
    return {
      endpoint: `ssh://root@${host.address}:${port}`,
      clientKey: readFileSync(at('client_key'), 'utf8'),
      hostKey: readFileSync(at('host_key.pub'), 'utf8').trim(),
      stop,
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function preflight(): void {
  const executable = (path: string) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (!executable(SSHD))
    throw new Error(`startSshServer: ${SSHD} is missing; run tools/infra/engine.sh up (installs openssh-server)`);
  if (!SESSION_PATH.some((dir) => executable(join(dir, 'docker')))) {
    throw new Error(
      `startSshServer: no docker CLI in ${SESSION_PATH.join(':')}, where ssh sessions look for it; install docker.io`,
    );
  }
}

/** Stops the sshds of test runs that died before their afterAll (a killed runner), and removes their keys. */
function stopAbandoned(): void {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(DIR_PREFIX))) {
    const dir = join(tmpdir(), name);
    const owner = pidIn(join(dir, 'owner'));
    // No owner yet: being set up right now.
    if (owner === undefined || alive(owner)) continue;
    const sshd = pidIn(join(dir, 'sshd.pid'));
    if (sshd !== undefined && runs(sshd, join(dir, 'sshd_config'))) process.kill(sshd, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** True when the process is an sshd of that configuration (a pid may have been reused since). */
function runs(pid: number, config: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(config);
  } catch {
    return false;
  }
}

function pidIn(path: string): number | undefined {
  try {
    return Number(readFileSync(path, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
