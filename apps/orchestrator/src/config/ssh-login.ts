import type { SshOptions } from '@cj/docker-adapter';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { utils as sshUtils } from 'ssh2';
import { InvalidOptionError } from './invalid-option.error';

/** Who logs in to ssh:// hosts: the keys of an ssh agent, one private key file, or nobody found. */
export type SshIdentity = { readonly agent: string } | { readonly keyFile: string } | { readonly none: true };

/** How the orchestrator reaches ssh:// hosts. */
export interface SshLogin {
  /** The hosts' keys, for hosts whose key the jobs file does not pin (a missing file knows no host). */
  readonly knownHosts: string;
  readonly identity: SshIdentity;
}

/** The keys ssh itself would try, newest kind first. */
const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/**
 * `--ssh-known-hosts` defaults to ~/.ssh/known_hosts. The identity is `--ssh-key` when given, else
 * the agent at $SSH_AUTH_SOCK, else the first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa that exists.
 * A `--ssh-key` is checked now: one that cannot be used (encrypted, not a key) stops the start,
 * rather than every ssh host failing later; an unusable default key is passed over.
 */
export function parseSshLogin(
  raw: { readonly sshKnownHosts?: string; readonly sshKey?: string },
  env: NodeJS.ProcessEnv,
): SshLogin {
  const ssh = join(env['HOME'] || homedir(), '.ssh');
  return {
    knownHosts: resolve(raw.sshKnownHosts ?? join(ssh, 'known_hosts')),
    identity: identityOf(raw.sshKey, ssh, env),
  };
}

function identityOf(sshKey: string | undefined, ssh: string, env: NodeJS.ProcessEnv): SshIdentity {
  if (sshKey !== undefined) return { keyFile: usableKey('--ssh-key', sshKey) };
  const agent = env['SSH_AUTH_SOCK'];
  if (agent) return { agent };
  // A default key that cannot be used (one with a passphrase, say) is passed over, as ssh does:
  // an orchestrator without ssh hosts must not fail to start because of it.
  const found = DEFAULT_KEYS.map((name) => join(ssh, name)).find((path) => existsSync(path) && isUsableKey(path));
  return found ? { keyFile: resolve(found) } : { none: true };
}

function isUsableKey(path: string): boolean {
  try {
    return !(sshUtils.parseKey(readFileSync(path)) instanceof Error);
  } catch {
    return false;
  }
}

function usableKey(option: string, path: string): string {
  const expected =
    'a readable, unencrypted OpenSSH or PEM private key file; for a key with a passphrase, load it into ssh-agent and set SSH_AUTH_SOCK';
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (error) {
    throw new InvalidOptionError(option, path, `${expected} (${(error as Error).message})`);
  }
  const parsed = sshUtils.parseKey(text);
  if (parsed instanceof Error) throw new InvalidOptionError(option, path, `${expected} (${parsed.message})`);
  return resolve(path);
}

/** The Docker adapter's ssh options for this login; the key file is read here, once. */
export function sshOptionsOf(login: SshLogin): SshOptions {
  const identity = login.identity;
  if ('agent' in identity) return { knownHosts: login.knownHosts, agent: identity.agent };
  if ('keyFile' in identity) return { knownHosts: login.knownHosts, privateKey: readFileSync(identity.keyFile) };
  return { knownHosts: login.knownHosts };
}
