import { readFileSync } from 'node:fs';
import type { HostSpec } from '@cj/domain';
import type { DockerOptions } from 'dockerode';

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
}

/** Turns a host's endpoint (`unix://`, `tcp://` with TLS, `ssh://`) into dockerode options. */
export function dockerOptionsFor(host: HostSpec, ssh: SshOptions = {}): DockerOptions {
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
    case 'ssh:':
      return {
        protocol: 'ssh',
        host: url.hostname,
        port: Number(url.port || 22),
        username: decodeURIComponent(url.username) || 'root',
        sshOptions: { agent: ssh.agent ?? process.env['SSH_AUTH_SOCK'], privateKey: ssh.privateKey },
      };
    default:
      throw new InvalidEndpoint(host.name, host.endpoint, `has the unsupported scheme ${url.protocol}`);
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
