import type { SshHostKey } from '@cj/domain';
import { createHash } from 'node:crypto';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import { type KnownHostLine, knownHostName, KnownHostsUnreadable, knownKeysOf, readKnownHosts } from './known-hosts';
import { type HostKeyRefusal, SshFailure, SshHostKeyRefused, type SshTarget } from './ssh-failure';

/** Where the keys a host may present come from: a key pinned in the hosts section wins over known_hosts. */
export type HostKeyTrust = { readonly pinned: SshHostKey } | { readonly knownHosts: string };

/** What one connection accepts. */
export interface HostKeyCheck {
  /** The trusted keys' algorithms first, so that a host with several keys offers one that can be compared (as ssh orders them). */
  readonly algorithms: ServerHostKeyAlgorithm[];
  /** Why the key the host offered (its blob) is refused; undefined when it is trusted. */
  verify(offered: Buffer): SshHostKeyRefused | undefined;
}

/** The signature algorithms that prove a key of each type, in ssh2's order of preference. */
const ALGORITHMS: Record<SshHostKey['type'], ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** A key the host may present, and where the reader finds it. */
interface TrustedKey {
  readonly key: SshHostKey;
  readonly source: string;
}

/** A known_hosts file, and its @cert-authority lines for the host (`path:line`). */
interface KnownHostsFile {
  readonly path: string;
  readonly certAuthorities: readonly string[];
}

/** Decides, for one host, which ssh host keys it may present; what ssh's StrictHostKeyChecking=yes does. */
export class SshHostKeys {
  constructor(
    private readonly host: { readonly name: string; readonly endpoint: string },
    private readonly target: SshTarget,
    private readonly trust: HostKeyTrust,
  ) {}

  /** The check for the next connection. known_hosts is read each time, as ssh does, so that a key added there counts at once. */
  check(): HostKeyCheck {
    if ('pinned' in this.trust) {
      const trusted = [{ key: this.trust.pinned, source: 'the ssh_host_key pinned in the hosts section' }];
      return this.checkOf(trusted, []);
    }
    const path = this.trust.knownHosts;
    let lines: KnownHostLine[];
    try {
      lines = readKnownHosts(path);
    } catch (error) {
      if (!(error instanceof KnownHostsUnreadable)) throw error;
      throw new SshFailure(`${this.label()}: ${error.message}`, { cause: error });
    }
    const known = knownKeysOf(lines, this.name());
    const at = (line: KnownHostLine) => `${path}:${line.line}`;
    return this.checkOf(
      known.keys.map((line) => ({ key: line.key, source: at(line) })),
      known.revoked.map((line) => ({ key: line.key, source: at(line) })),
      { path, certAuthorities: known.certAuthorities.map(at) },
    );
  }

  /** `knownHosts`: the file the keys were read from, where an unknown key is to be added. */
  private checkOf(
    trusted: readonly TrustedKey[],
    revoked: readonly TrustedKey[],
    knownHosts?: KnownHostsFile,
  ): HostKeyCheck {
    const types = [...new Set(trusted.map((t) => t.key.type))];
    const preferred = types.flatMap((type) => ALGORITHMS[type]);
    return {
      algorithms: [
        ...preferred,
        ...Object.values(ALGORITHMS)
          .flat()
          .filter((algorithm) => !preferred.includes(algorithm)),
      ],
      verify: (offered) => {
        const isOffered = (t: TrustedKey) => Buffer.from(t.key.blob, 'base64').equals(offered);
        const revokedAt = revoked.find(isOffered);
        if (revokedAt) return this.revoked(offered, revokedAt.source);
        if (trusted.some(isOffered)) return undefined;
        return trusted.length === 0 && knownHosts ? this.unknown(offered, knownHosts) : this.changed(offered, trusted);
      },
    };
  }

  private unknown(offered: Buffer, { path, certAuthorities }: KnownHostsFile): SshHostKeyRefused {
    const certificates =
      certAuthorities.length > 0
        ? ` (${certAuthorities.join(', ')} is a @cert-authority line, which is ignored: host certificates are not checked, only host keys)`
        : '';
    return this.refused(
      'unknown',
      offered,
      `its ssh host key is unknown (it offers ${fingerprint(offered)})${certificates}; ` +
        `pin it with ssh_host_key in the hosts section, or add it to ${path} ` +
        `(ssh-keyscan -p ${this.target.port} ${bare(this.target.host)} >> ${path}), once its fingerprint matches what \`ssh-keygen -lf\` shows on the host`,
    );
  }

  private changed(offered: Buffer, trusted: readonly TrustedKey[]): SshHostKeyRefused {
    const expected = trusted
      .map((t) => `${fingerprint(Buffer.from(t.key.blob, 'base64'))} from ${t.source}`)
      .join(', ');
    const fix =
      'pinned' in this.trust
        ? 'pin its new key with ssh_host_key in the hosts section'
        : `remove the old key (ssh-keygen -R '${this.name()}' -f ${this.trust.knownHosts}) and add the new one (ssh-keyscan -p ${this.target.port} ${bare(this.target.host)} >> ${this.trust.knownHosts})`;
    return this.refused(
      'changed',
      offered,
      `its ssh host key changed: it offers ${fingerprint(offered)}, expected ${expected}; ` +
        `if the host was reinstalled, ${fix}; if not, something else may be answering at ${bare(this.target.host)}:${this.target.port}`,
    );
  }

  private revoked(offered: Buffer, source: string): SshHostKeyRefused {
    return this.refused(
      'revoked',
      offered,
      `its ssh host key ${fingerprint(offered)} is marked @revoked at ${source}; give the host a new key, then pin it with ssh_host_key or add it to known_hosts`,
    );
  }

  private refused(refusal: HostKeyRefusal, offered: Buffer, why: string): SshHostKeyRefused {
    return new SshHostKeyRefused(this.host.name, refusal, fingerprint(offered), `${this.label()}: ${why}`);
  }

  private label(): string {
    return `host ${this.host.name} (${this.host.endpoint})`;
  }

  private name(): string {
    return knownHostName(this.target.host, this.target.port);
  }
}

/** `ssh-ed25519 SHA256:…`, as `ssh-keygen -l` prints a key. */
function fingerprint(blob: Buffer): string {
  const typeLength = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const type = blob.subarray(4, 4 + typeLength).toString('latin1');
  return `${type} SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function bare(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}
