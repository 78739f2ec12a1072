import { readFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseSshHostKey, type SshHostKey } from '@cj/domain';
import type { HostSpec } from '@cj/api';
import type { DockerOptions } from 'dockerode';
import { utils as sshUtils } from 'ssh2';
import { SshDialAgent } from './ssh-dial-agent';
import { type HostKeyTrust, SshHostKeys } from './ssh-host-keys';

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

/**
 * How ssh:// hosts are logged in to. Which host key a host may present is its pinned key
 * (`HostSpec.sshHostKey`) if it has one, else what the known_hosts file says; a host known by
 * neither is refused, as `ssh` with StrictHostKeyChecking=yes refuses it.
 */
export interface SshOptions {
  /** Path of an ssh-agent socket; defaults to $SSH_AUTH_SOCK when no private key is given. */
  readonly agent?: string;
  /** A private key (PEM/OpenSSH text): given alone, it is the only identity offered. */
  readonly privateKey?: string | Buffer;
  /** An OpenSSH known_hosts file, read at each connection; default ~/.ssh/known_hosts. A missing file knows no host. */
  readonly knownHosts?: string;
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
      if (!url.pathname || url.pathname === '/')
        throw new InvalidEndpoint(host.name, host.endpoint, 'has no socket path');
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
      const username = decodeURIComponent(url.username) || 'root';
      const trust: HostKeyTrust =
        host.sshHostKey === undefined
          ? { knownHosts: ssh.knownHosts ?? join(homedir(), '.ssh', 'known_hosts') }
          : { pinned: pinnedKey(host, host.sshHostKey) };
      if (ssh.privateKey !== undefined) checkPrivateKey(host, ssh.privateKey);
      const dial = new SshDialAgent(
        {
          host: url.hostname,
          port,
          username,
          agent: ssh.agent ?? (ssh.privateKey === undefined ? process.env['SSH_AUTH_SOCK'] : undefined),
          privateKey: ssh.privateKey,
          readyTimeout: connectTimeoutMs,
          // A log followed for hours must notice a host that vanished without closing the connection.
          keepaliveInterval: 15_000,
        },
        new SshHostKeys(host, { user: username, host: url.hostname, port }, trust),
      );
      return { protocol: 'http', host: url.hostname, port, agent: dial };
    }
    default:
      throw new InvalidEndpoint(host.name, host.endpoint, `has the unsupported scheme ${url.protocol}`);
  }
}

function pinnedKey(host: HostSpec, line: string): SshHostKey {
  const key = parseSshHostKey(line);
  if (!key) {
    throw new InvalidEndpoint(
      host.name,
      host.endpoint,
      `has an ssh host key that is not an OpenSSH public key line ("ssh-ed25519 AAAA…"): ${line.slice(0, 60)}`,
    );
  }
  return key;
}

function checkPrivateKey(host: HostSpec, key: string | Buffer): void {
  const parsed = sshUtils.parseKey(key);
  if (parsed instanceof Error) {
    throw new InvalidEndpoint(
      host.name,
      host.endpoint,
      `has an ssh private key that cannot be used (${parsed.message}); give an unencrypted OpenSSH or PEM private key`,
    );
  }
}

function readTls(host: HostSpec, part: 'ca' | 'cert' | 'key'): Buffer {
  const path = host.tls?.[part] ?? '';
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InvalidEndpoint(
      host.name,
      host.endpoint,
      `needs its TLS ${part} file, but ${path} cannot be read (${(error as Error).message})`,
    );
  }
}
