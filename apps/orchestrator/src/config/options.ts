import { Command, CommanderError } from 'commander';
import type { HostPolicy, MountAllowance } from '@cj/domain';
import { basename, dirname, join, resolve } from 'node:path';
import { parseDuration } from './duration';
import { InvalidOptionError } from './invalid-option.error';
import { isLoopback, ListenAddress, parseListenAddress } from './listen-address';
import { parseSshLogin, type SshLogin } from './ssh-login';

/** Bearer tokens: an operator token may change things, a read-only token may only look. */
export interface AccessTokens {
  readonly operator: string;
  readonly readOnly?: string;
}

export interface OrchestratorOptions {
  /** A SQLite file path or an `esdb://…` connection string. */
  readonly store: string;
  readonly listen: ListenAddress;
  /** SQLite file of the read models (projections). */
  readonly readDb: string;
  /** How often every host is resynced in full (engine events arrive as they happen, between). */
  readonly observeIntervalMs: number;
  /** How often memory and CPU of the running containers are sampled. */
  readonly statsIntervalMs: number;
  /** How long a call to a host's engine may go unanswered before it counts as timed out (a stop waits its grace period longer). */
  readonly engineTimeoutMs: number;
  /** Absent: no authentication (only allowed on loopback) until a named token is created. */
  readonly tokens?: AccessTokens;
  /** SQLite file of the named tokens (their hashes). */
  readonly tokensDb: string;
  /** Host paths jobs may mount and registries images may come from (`--allow-mount`, `--allow-registry`). */
  readonly policy: HostPolicy;
  /** Drop the read models and replay the whole log before serving. */
  readonly rebuildProjections: boolean;
  /** How ssh:// hosts are logged in to, and whose host keys are trusted. */
  readonly ssh: SshLogin;
  /** Shell (exec) sessions: closed after this long with no input or output; at most this many open per token. */
  readonly shell: { readonly idleTimeoutMs: number; readonly sessionsPerToken: number };
}

/** The read-model file sits beside a SQLite store, or in the working directory for EventStoreDB. */
function defaultReadDb(store: string): string {
  return besideStore(store, 'read');
}

function besideStore(store: string, what: string): string {
  if (store.startsWith('esdb://') || store.startsWith('esdb+discover://')) return resolve(`cj-${what}.db`);
  if (store === ':memory:') return ':memory:';
  const path = resolve(store);
  return join(dirname(path), `${basename(path, '.db')}.${what}.db`);
}

/** Parses the command line (`argv` without node and script) and the environment. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): OrchestratorOptions {
  const program = new Command('cj-orchestrator')
    .description('The cj orchestrator: records job changes as events and drives containers on hosts.')
    .option('--store <spec>', 'event store: a SQLite file path or esdb://host:port?tls=false', './cj.db')
    .option('--listen <host:port>', 'HTTP address; off loopback a token is required', '127.0.0.1:7420')
    .option('--read-db <path>', 'SQLite file of the read models (default: beside the store)')
    .option(
      '--observe-interval <duration>',
      'how often every host is resynced in full and health-checked (engine events are followed as they happen)',
      '2s',
    )
    .option('--stats-interval <duration>', 'how often memory and CPU of the running containers are sampled', '10s')
    .option(
      '--engine-timeout <duration>',
      "how long a call to a host's Docker engine may go unanswered, connecting included (a stop waits its grace period longer)",
      '5s',
    )
    .option('--token <token>', 'operator bearer token (or CJ_TOKEN)')
    .option('--read-token <token>', 'read-only bearer token (or CJ_READ_TOKEN)')
    .option('--tokens-db <path>', 'SQLite file of the named tokens (default: beside the store)')
    .option(
      '--allow-mount <path[:rw]>',
      'a host path jobs may mount (and what is under it), read-only unless :rw; repeatable',
      collect,
      [],
    )
    .option(
      '--allow-registry <host[:port]>',
      "a registry images may come from; repeatable (default: the jobs file's registry)",
      collect,
      [],
    )
    .option('--rebuild-projections', 'drop the read models and replay the log before serving', false)
    .option(
      '--ssh-known-hosts <file>',
      "ssh:// hosts' keys, for hosts the jobs file pins none for (default: ~/.ssh/known_hosts)",
    )
    .option(
      '--ssh-key <file>',
      'private key for ssh:// hosts (default: the agent at $SSH_AUTH_SOCK, else ~/.ssh/id_ed25519, id_ecdsa or id_rsa)',
    )
    .option(
      '--shell-idle-timeout <duration>',
      'a shell (exec) session with no input or output for this long is closed',
      '15m',
    )
    .option('--shell-sessions-per-token <n>', 'shell (exec) sessions one token may hold open at once', '4')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (text) => process.stdout.write(text) });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidOptionError('command line', argv.join(' '), message.replace(/^error: /, ''));
  }
  const raw = program.opts<{
    store: string;
    listen: string;
    readDb?: string;
    observeInterval: string;
    statsInterval: string;
    engineTimeout: string;
    token?: string;
    readToken?: string;
    tokensDb?: string;
    allowMount: string[];
    allowRegistry: string[];
    rebuildProjections: boolean;
    sshKnownHosts?: string;
    sshKey?: string;
    shellIdleTimeout: string;
    shellSessionsPerToken: string;
  }>();

  const listen = parseListenAddress(raw.listen);
  // An empty variable is an unset one (`CJ_TOKEN= cj-orchestrator` must not mean "token ''").
  const operator = raw.token ?? (env['CJ_TOKEN'] || undefined);
  const readOnly = raw.readToken ?? (env['CJ_READ_TOKEN'] || undefined);
  if (readOnly !== undefined && operator === undefined) {
    throw new InvalidOptionError('--read-token', '***', 'an operator token too (--token or CJ_TOKEN)');
  }
  if (operator === undefined && !isLoopback(listen.host)) {
    throw new InvalidOptionError(
      '--listen',
      raw.listen,
      'a loopback address (127.0.0.1, ::1), or set --token / CJ_TOKEN to listen on other interfaces',
    );
  }
  if (operator !== undefined && operator.length < 16) {
    throw new InvalidOptionError('--token', '***', 'a token of at least 16 characters');
  }
  if (readOnly !== undefined && readOnly.length < 16) {
    throw new InvalidOptionError('--read-token', '***', 'a token of at least 16 characters');
  }
  return {
    store: raw.store,
    listen,
    readDb: raw.readDb ?? defaultReadDb(raw.store),
    observeIntervalMs: parseDuration('--observe-interval', raw.observeInterval),
    statsIntervalMs: parseDuration('--stats-interval', raw.statsInterval),
    engineTimeoutMs: parseEngineTimeout(raw.engineTimeout),
    tokens: operator === undefined ? undefined : { operator, readOnly },
    tokensDb: raw.tokensDb ?? besideStore(raw.store, 'tokens'),
    policy: {
      mounts: raw.allowMount.map(parseMountAllowance),
      ...(raw.allowRegistry.length > 0 && { registries: raw.allowRegistry.map(parseRegistryAllowance) }),
    },
    rebuildProjections: raw.rebuildProjections,
    ssh: parseSshLogin(raw, env),
    shell: {
      idleTimeoutMs: parseDuration('--shell-idle-timeout', raw.shellIdleTimeout),
      sessionsPerToken: parseSessions(raw.shellSessionsPerToken),
    },
  };
}

/** At least 100 ms (an engine answers a local call in a few), at most 10 minutes. */
function parseEngineTimeout(text: string): number {
  const ms = parseDuration('--engine-timeout', text);
  if (ms < 100 || ms > 600_000) throw new InvalidOptionError('--engine-timeout', text, 'a duration from 100ms to 10m');
  return ms;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--allow-mount /srv/data` (read-only) or `/srv/data:rw`: an absolute path without `..`. */
function parseMountAllowance(text: string): MountAllowance {
  const readWrite = text.endsWith(':rw');
  const path = readWrite ? text.slice(0, -3) : text.replace(/:ro$/, '');
  if (!path.startsWith('/') || path.split('/').includes('..')) {
    throw new InvalidOptionError(
      '--allow-mount',
      text,
      'an absolute host path without "..", with :rw to allow read-write mounts',
    );
  }
  return { path, readWrite };
}

function parseRegistryAllowance(text: string): string {
  if (!/^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(text))
    throw new InvalidOptionError('--allow-registry', text, 'a registry as host[:port], e.g. registry.internal:5000');
  return text;
}

function parseSessions(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 100)
    throw new InvalidOptionError('--shell-sessions-per-token', text, 'a whole number from 1 to 100');
  return value;
}
