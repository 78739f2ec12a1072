import { registerDecorator, type ValidationArguments } from 'class-validator';
import { LIMITS, parseDuration, isDockerEndpoint } from '@cj/api';
import { isRegistryHost, parseImageRef } from '../values/image-ref';
import { parseMemory } from '../values/memory';
import { parseSshHostKey } from '../values/ssh-host-key';

/**
 * Names that become parts of stream names, container names, labels and URL paths: no dots, no
 * spaces, at most `LIMITS.nameLength` characters. The API checks path segments with this too.
 */
export const NAME_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_-]{0,${LIMITS.nameLength - 1}}$`);

/** A check of one value: `true` when fine, else what is wrong with it. */
type Check = (value: unknown, owner: Record<string, unknown>) => true | string;

/**
 * A class-validator rule whose message says what is wrong with this very value and whose hint
 * (in the error's `contexts`) says what to write instead. A missing value is "missing" unless the
 * property is also `@IsOptional()`.
 */
export function Rule(name: string, check: Check, hint: string): PropertyDecorator {
  const verdict = (args: ValidationArguments) => check(args.value, args.object as Record<string, unknown>);
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args) => {
          const result = verdict(args);
          return result === true ? '' : result;
        },
        context: { hint },
      },
      validator: { validate: (_value, args) => verdict(args as ValidationArguments) === true },
    });
}

export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const missing = (value: unknown): string | undefined =>
  value === undefined || value === null ? 'is missing' : undefined;

export const Text = (hint: string) =>
  Rule(
    'text',
    (v) => missing(v) ?? ((typeof v === 'string' && v.trim() !== '') || `must be a non-empty string, not ${show(v)}`),
    hint,
  );

export const Name = (what: string) =>
  Rule(
    'name',
    (v) =>
      missing(v) ??
      (typeof v === 'string' && v.length > LIMITS.nameLength
        ? `a ${what} name is at most ${LIMITS.nameLength} characters (the name limit), not ${v.length}`
        : (typeof v === 'string' && NAME_PATTERN.test(v)) || `${show(v)} is not a valid ${what} name`),
    `a ${what} name is letters, digits, "-" and "_", starting with a letter or digit, at most ${LIMITS.nameLength} characters`,
  );

export const Port = () =>
  Rule(
    'port',
    (v) =>
      missing(v) ??
      ((Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535) ||
        `port ${show(v)} is not between 1 and 65535`),
    'write the TCP port the job listens on, a whole number from 1 to 65535',
  );

export const WholeNumber = (min: number, max: number, limit: string, hint: string) =>
  Rule(
    'wholeNumber',
    (v) =>
      missing(v) ??
      (Number.isInteger(v) && (v as number) > max
        ? `must be at most ${max} (the ${limit} limit), not ${show(v)}`
        : (Number.isInteger(v) && (v as number) >= min) || `must be a whole number of at least ${min}, not ${show(v)}`),
    hint,
  );

export const Ratio = () =>
  Rule(
    'ratio',
    (v) =>
      missing(v) ?? ((typeof v === 'number' && v >= 0 && v <= 1) || `must be a fraction from 0 to 1, not ${show(v)}`),
    'write 0 to tolerate no failed task, 0.25 for a quarter of the tasks, 1 for all',
  );

export const PositiveNumber = (max: number, limit: string, hint: string) =>
  Rule(
    'positiveNumber',
    (v) =>
      missing(v) ??
      (typeof v === 'number' && v > max
        ? `must be at most ${max} (the ${limit} limit), not ${show(v)}`
        : (typeof v === 'number' && Number.isFinite(v) && v > 0) || `must be a number above 0, not ${show(v)}`),
    hint,
  );

/** A duration up to `LIMITS.durationMs` (one day); `min` (milliseconds) for what must not be 0. */
export const Duration = (min = 0) =>
  Rule(
    'duration',
    (v) => {
      if (missing(v)) return missing(v) as string;
      const ms = parseDuration(v as string);
      if (ms === undefined) return `${show(v)} is not a duration`;
      if (ms > LIMITS.durationMs) return `${show(v)} is longer than 24h (the duration limit)`;
      return ms >= min || `${show(v)} is shorter than ${min}ms, the least this takes`;
    },
    `write a duration with its unit, e.g. "500ms", "2s", "1m30s", "1h"; at most 24h${min > 0 ? `, at least ${min}ms` : ''}`,
  );

export const Memory = () =>
  Rule(
    'memory',
    (v) => {
      if (missing(v)) return missing(v) as string;
      const bytes = typeof v === 'string' || typeof v === 'number' ? parseMemory(v) : undefined;
      if (bytes === undefined) return `${show(v)} is not a memory size`;
      return bytes <= LIMITS.memoryBytes || `${show(v)} is more than 1024g (the memory limit)`;
    },
    'write a size such as "256m" or "1g" (units b, k, m, g), or a number of bytes; at most 1024g',
  );

export const OneOf = (values: readonly string[]) =>
  Rule(
    'oneOf',
    (v) => missing(v) ?? (values.includes(v as string) || `${show(v)} is not one of ${values.join(', ')}`),
    `use one of: ${values.join(', ')}`,
  );

export const Flag = () =>
  Rule(
    'flag',
    (v) => missing(v) ?? (typeof v === 'boolean' || `must be true or false, not ${show(v)}`),
    'write true or false',
  );

export const ImageReference = () =>
  Rule(
    'image',
    (v) =>
      missing(v) ??
      ((typeof v === 'string' && parseImageRef(v) !== undefined) || `${show(v)} is not an image reference`),
    'write "repository:tag", "registry:5000/repository:tag" or "repository@sha256:<64 hex digits>"; repositories are lowercase',
  );

export const RegistryHost = () =>
  Rule(
    'registry',
    (v) => missing(v) ?? ((typeof v === 'string' && isRegistryHost(v)) || `${show(v)} is not a registry host`),
    'write the registry as host:port, e.g. "localhost:5000" or "registry.example.com"',
  );

export const DockerEndpoint = () =>
  Rule(
    'endpoint',
    (v) => missing(v) ?? ((typeof v === 'string' && isDockerEndpoint(v)) || `${show(v)} is not a Docker endpoint`),
    'write "unix:///var/run/docker.sock", "tcp://host:2376" or "ssh://user@host"',
  );

export const SshHostKeyLine = () =>
  Rule(
    'sshHostKey',
    (v, owner) => {
      if (typeof owner['endpoint'] === 'string' && !owner['endpoint'].startsWith('ssh://')) {
        return `an ssh host key is only checked for an ssh:// endpoint, not ${show(owner['endpoint'])}`;
      }
      return (
        missing(v) ??
        ((typeof v === 'string' && parseSshHostKey(v) !== undefined) || `${show(v)} is not an OpenSSH public host key`)
      );
    },
    'write the host\'s public key as "ssh-ed25519 AAAA…" (its /etc/ssh/ssh_host_ed25519_key.pub, or a line of `ssh-keyscan -p PORT HOST`), ' +
      'and only for an ssh://user@host endpoint',
  );

export const AbsolutePath = () =>
  Rule(
    'absolutePath',
    (v) => missing(v) ?? ((typeof v === 'string' && v.startsWith('/')) || `${show(v)} is not an absolute path`),
    'write a path that starts with "/"',
  );

export const StringList = (max: number, limit: string, hint: string) =>
  Rule(
    'stringList',
    (v) =>
      missing(v) ??
      (Array.isArray(v) && v.length > max
        ? `has ${v.length} items, more than ${max} (the ${limit} limit)`
        : (Array.isArray(v) && v.length > 0 && v.every((item) => typeof item === 'string' && !item.includes('\0'))) ||
          `must be a non-empty list of strings without NUL characters, not ${show(v)}`),
    hint,
  );

/** A list of at most `max` items, checked before its items are validated one by one. */
export const List = (max: number, limit: string, hint: string) =>
  Rule(
    'list',
    (v) =>
      missing(v) ??
      (Array.isArray(v) && v.length > max
        ? `has ${v.length} items, more than ${max} (the ${limit} limit)`
        : Array.isArray(v) || `must be a list, not ${show(v)}`),
    hint,
  );

export const Mapping = (hint: string) =>
  Rule(
    'mapping',
    (v) =>
      missing(v) ?? ((typeof v === 'object' && v !== null && !Array.isArray(v)) || `must be a mapping, not ${show(v)}`),
    hint,
  );
