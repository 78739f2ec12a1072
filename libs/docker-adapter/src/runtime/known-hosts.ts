import { parseSshHostKey, type SshHostKey } from '@cj/domain';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** One key line of an OpenSSH known_hosts file (see sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"). */
export interface KnownHostLine {
  /** 1-based, for messages that send the reader to it. */
  readonly line: number;
  /** `@revoked`: this key must be refused. `@cert-authority`: a CA that signs host certificates. */
  readonly marker?: 'revoked' | 'cert-authority';
  /** The host field: comma-separated patterns, or one hashed name (`|1|salt|hmac`). */
  readonly hosts: string;
  readonly key: SshHostKey;
}

/** What a known_hosts file says about one host. */
export interface KnownKeysOfHost {
  /** Keys the host may present. */
  readonly keys: readonly KnownHostLine[];
  /** Keys to refuse from it, whatever else says so. */
  readonly revoked: readonly KnownHostLine[];
  /** Certificate authorities for it: not used, since host certificates are not checked. */
  readonly certAuthorities: readonly KnownHostLine[];
}

/** The known_hosts file cannot be read (a missing one is no error: it knows no host). */
export class KnownHostsUnreadable extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`the known_hosts file ${path} cannot be read (${reason}); make it readable, or name another file`);
    this.name = 'KnownHostsUnreadable';
  }
}

/** The key lines of a known_hosts file; comments, blank lines and lines that are not key lines are skipped, as ssh does. */
export function parseKnownHosts(text: string): KnownHostLine[] {
  const lines: KnownHostLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0].startsWith('#')) return;
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    if (marker !== undefined && marker !== '@revoked' && marker !== '@cert-authority') return;
    const [hosts, ...rest] = fields;
    const key = parseSshHostKey(rest.join(' '));
    if (hosts === undefined || key === undefined) return;
    lines.push({
      line: index + 1,
      hosts,
      key,
      ...(marker && { marker: marker === '@revoked' ? 'revoked' : 'cert-authority' }),
    });
  });
  return lines;
}

/** Reads a known_hosts file; one that does not exist knows no host. */
export function readKnownHosts(path: string): KnownHostLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new KnownHostsUnreadable(path, (error as Error).message);
  }
  return parseKnownHosts(text);
}

/** The name known_hosts files know a host by: `host` on port 22, `[host]:port` on any other. */
export function knownHostName(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return port === 22 ? bare : `[${bare}]:${port}`;
}

/** The lines of a known_hosts file that concern the host known by `name` (see knownHostName). */
export function knownKeysOf(lines: readonly KnownHostLine[], name: string): KnownKeysOfHost {
  const matching = lines.filter((line) => hostFieldMatches(line.hosts, name));
  return {
    keys: matching.filter((line) => line.marker === undefined),
    revoked: matching.filter((line) => line.marker === 'revoked'),
    certAuthorities: matching.filter((line) => line.marker === 'cert-authority'),
  };
}

/**
 * A hashed field (`|1|base64 salt|base64 HMAC-SHA1 of the name`, what `ssh-keygen -H` and
 * HashKnownHosts write) matches its one name. A plain field is a comma list of patterns with `*`
 * and `?`: it matches when a pattern does and no negated one (`!pattern`) does.
 */
function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedNameMatches(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    if (!globMatches(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function hashedNameMatches(field: string, name: string): boolean {
  const [, magic, salt, hash] = field.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .toLowerCase()
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(name);
}
