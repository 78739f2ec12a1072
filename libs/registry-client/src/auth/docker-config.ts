import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RegistryCredentials } from '@cj/domain';
import { RegistryConfigError } from '../errors';
import { isRecord } from '../manifest/manifest';

/** Where `docker login` keeps credentials: `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. */
export function defaultDockerConfigPath(): string {
  return join(process.env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
}

/**
 * Reads the credentials stored for a registry in a Docker config file. A missing file or entry
 * means anonymous access; an unreadable or malformed entry is an error, not silently anonymous.
 * Credential helpers (`credsStore`, `credHelpers`) are not consulted: they run external programs.
 */
export function readDockerConfigCredentials(path: string, registry: string): RegistryCredentials | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw configError(registry, path, `cannot be read (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw configError(registry, path, 'is not valid JSON');
  }
  const auths = isRecord(json) && isRecord(json.auths) ? json.auths : {};
  const key = Object.keys(auths).find((candidate) => normalizeRegistryKey(candidate) === registry);
  const entry = key === undefined ? undefined : auths[key];
  if (!isRecord(entry)) return undefined;
  if (typeof entry.auth === 'string' && entry.auth !== '') return decodeAuth(entry.auth, registry, path);
  if (typeof entry.username === 'string' && typeof entry.password === 'string') {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

/** `https://host:5000/v1/`, `http://host:5000` and `host:5000` all name the registry `host:5000`. */
export function normalizeRegistryKey(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
}

function decodeAuth(auth: string, registry: string, path: string): RegistryCredentials {
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw configError(registry, path, 'has an "auth" value that is not base64 of "user:password"');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function configError(registry: string, path: string, problem: string): RegistryConfigError {
  return new RegistryConfigError(
    { registry },
    `The Docker config file ${path} ${problem}`,
    'Fix the file (or run `docker login` again), or give the credentials explicitly.',
  );
}
