import { Command, CommanderError } from 'commander';
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
  /** Absent: no authentication (only allowed on loopback). */
  readonly tokens?: AccessTokens;
  /** Drop the read models and replay the whole log before serving. */
  readonly rebuildProjections: boolean;
  /** How ssh:// hosts are logged in to, and whose host keys are trusted. */
  readonly ssh: SshLogin;
}

/** The read-model file sits beside a SQLite store, or in the working directory for EventStoreDB. */
function defaultReadDb(store: string): string {
  if (store.startsWith('esdb://') || store.startsWith('esdb+discover://')) return resolve('cj-read.db');
  const path = resolve(store);
  return join(dirname(path), `${basename(path, '.db')}.read.db`);
}

/** Parses the command line (`argv` without node and script) and the environment. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): OrchestratorOptions {
  const program = new Command('cj-orchestrator')
    .description('The cj orchestrator: records job changes as events and drives containers on hosts.')
    .option('--store <spec>', 'event store: a SQLite file path or esdb://host:port?tls=false', './cj.db')
    .option('--listen <host:port>', 'HTTP address; off loopback a token is required', '127.0.0.1:7420')
    .option('--read-db <path>', 'SQLite file of the read models (default: beside the store)')
    .option('--observe-interval <duration>', 'how often every host is resynced in full and health-checked (engine events are followed as they happen)', '2s')
    .option('--stats-interval <duration>', 'how often memory and CPU of the running containers are sampled', '10s')
    .option('--token <token>', 'operator bearer token (or CJ_TOKEN)')
    .option('--read-token <token>', 'read-only bearer token (or CJ_READ_TOKEN)')
    .option('--rebuild-projections', 'drop the read models and replay the log before serving', false)
    .option('--ssh-known-hosts <file>', "ssh:// hosts' keys, for hosts the jobs file pins none for (default: ~/.ssh/known_hosts)")
    .option('--ssh-key <file>', 'private key for ssh:// hosts (default: the agent at $SSH_AUTH_SOCK, else ~/.ssh/id_ed25519, id_ecdsa or id_rsa)')
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
    token?: string;
    readToken?: string;
    rebuildProjections: boolean;
    sshKnownHosts?: string;
    sshKey?: string;
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
    tokens: operator === undefined ? undefined : { operator, readOnly },
    rebuildProjections: raw.rebuildProjections,
    ssh: parseSshLogin(raw, env),
  };
}
