import { readFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import type { HostSpec } from '@cj/domain';
import type { DockerOptions } from 'dockerode';
import { utils as sshUtils } from 'ssh2';
import { SshDialAgent } from './ssh-dial-agent';

/** Why an endpoint in the hosts section cannot be used. */
export class InvalidEndpoint extends Error {
  constructor(
    readonly host: string,
    readonly endpoint: string,
    reason: string,
  ) {
    super(
      `host ${host}: endpoint "${endpoint}" ${reason}; ` +
        `use unix:///var/run/docker.sock, tcp://HOST:2376 (with tls ca/cert/key) or ssh://USER@HOST[:PORT]`,
    );
    this.name = 'InvalidEndpoint';
  }
}

export interface SshOptions {
  /** Path of an ssh-agent socket; defaults to $SSH_AUTH_SOCK. */
  readonly agent?: string;
  /** A private key (PEM/OpenSSH text), when no agent is used. */
  readonly privateKey?: string | Buffer;
  /**
   * The host's public key as OpenSSH writes it (`ssh-ed25519 AAAA…`, a `.pub` or known_hosts line):
   * any other key is refused. Without it the host's key is not checked.
   */
  readonly hostKey?: string;
}

/** dockerode's options, and the http agent that docker-modem uses when given one (its types omit it). */
export type EngineOptions = DockerOptions & { agent?: Agent };

/** Turns a host's endpoint (`unix://`, `tcp://` with TLS, `ssh://`) into dockerode options. */
export function dockerOptionsFor(host: HostSpec, ssh: SshOptions = {}, connectTimeoutMs = 5_000): EngineOptions {
  let url: URL;
  try {
    url = new URL(host.endpoint);
  } catch {
    throw new InvalidEndpoint(host.name, host.endpoint, 'is not a URL');
  }
  switch (url.protocol) {
    case 'unix:':
      if (!url.pathname || url.pathname === '/') throw new InvalidEndpoint(host.name, host.endpoint, 'has no socket path');
      return { socketPath: decodeURIComponent(url.pathname) };
    case 'tcp:': {
      const port = Number(url.port || (host.tls ? 2376 : 2375));
      if (!host.tls) return { protocol: 'http', host: url.hostname, port };
      return {
        protocol: 'https',
        host: url.hostname,
        port,
        ca: readTls(host, 'ca'),
        cert: readTls(host, 'cert'),
        key: readTls(host, 'key'),
      };
    }
    case 'ssh:': {
      // Plain HTTP, carried by `docker system dial-stdio` sessions that the agent opens over ssh.
      const port = Number(url.port || 22);
      const hostKey = ssh.hostKey === undefined ? undefined : hostKeyBlob(host, ssh.hostKey);
      if (ssh.privateKey !== undefined) checkPrivateKey(host, ssh.privateKey);
      const dial = new SshDialAgent({
        host: url.hostname,
        port,
        username: decodeURIComponent(url.username) || 'root',
        agent: ssh.agent ?? process.env['SSH_AUTH_SOCK'],
        privateKey: ssh.privateKey,
        readyTimeout: connectTimeoutMs,
        // A log followed for hours must notice a host that vanished without closing the connection.
        keepaliveInterval: 15_000,
        ...(hostKey ? { hostVerifier: (key: Buffer) => key.equals(hostKey) } : {}),
      });
      return { protocol: 'http', host: url.hostname, port, agent: dial };
    }
    default:
      throw new InvalidEndpoint(host.name, host.endpoint, `has the unsupported scheme ${url.protocol}`);
  }
}

/** The key blob of an OpenSSH public key line: the base64 field after the key type. */
function hostKeyBlob(host: HostSpec, line: string): Buffer {
  const fields = line.trim().split(/\s+/);
  const type = fields.findIndex((f) => /^(ssh-|ecdsa-|sk-)/.test(f));
  const blob = type >= 0 ? fields[type + 1] : undefined;
  if (!blob || !/^[A-Za-z0-9+/]+=*$/.test(blob)) {
    throw new InvalidEndpoint(host.name, host.endpoint, `has an ssh host key that is not an OpenSSH public key line ("ssh-ed25519 AAAA…"): ${line.slice(0, 60)}`);
  }
  return Buffer.from(blob, 'base64');
}

function checkPrivateKey(host: HostSpec, key: string | Buffer): void {
  const parsed = sshUtils.parseKey(key);
  if (parsed instanceof Error) {
    throw new InvalidEndpoint(host.name, host.endpoint, `has an ssh private key that cannot be used (${parsed.message}); give an unencrypted OpenSSH or PEM private key`);
  }
}

function readTls(host: HostSpec, part: 'ca' | 'cert' | 'key'): Buffer {
  const path = host.tls?.[part] ?? '';
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InvalidEndpoint(host.name, host.endpoint, `needs its TLS ${part} file, but ${path} cannot be read (${(error as Error).message})`);
  }
}
