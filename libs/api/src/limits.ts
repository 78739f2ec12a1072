/**
 * Every bound cj puts on what a caller sends, in one place: the jobs file's validation, the HTTP
 * API's DTOs and body parser, and the CLI all read them from here, so the file and the API can
 * never disagree (a name the file accepts is a name every route accepts). Each refusal names the
 * limit it hit. They are far above what a real environment needs and far below what would wedge
 * the orchestrator (memory, event loop, Node's 32-bit timers).
 */
export const LIMITS = {
  /** Size of one jobs file (or of its hosts file), in bytes: checked before it is read or parsed. */
  jobsFileBytes: 1024 * 1024,
  /** Size of one HTTP request body, in bytes: a jobs file and a hosts file, JSON-escaped, fit. */
  requestBodyBytes: 4 * 1024 * 1024,
  /** How deep maps and lists (YAML, text format, JSON bodies) may nest. */
  nestingDepth: 32,
  /** YAML alias expansion, as the yaml library counts it (its `maxAliasCount`). */
  yamlAliases: 100,
  /** Jobs in one file. */
  jobs: 500,
  /** Hosts in one file. */
  hosts: 200,
  /** Tasks (replicas) of one job. */
  replicas: 1000,
  /** Tasks of every job of one environment together. */
  tasksPerEnvironment: 2000,
  /** Length of an environment, job or host name: in the file and in every URL path. */
  nameLength: 63,
  /** Environment variables of one job (with the defaults'). */
  envVars: 200,
  /** Length of one environment variable's value, in characters. */
  envValueLength: 32 * 1024,
  /** Mounts of one job. */
  mounts: 50,
  /** Arguments of a command (a job's or an exec health check's). */
  commandArgs: 100,
  /** Any duration in the jobs file or the API, in milliseconds: one day (Node's timers stop at 24.8 days). */
  durationMs: 24 * 60 * 60 * 1000,
  /** A health check's interval and timeout, at least, in milliseconds: 0 would probe without pause. */
  minProbeMs: 100,
  /** Tasks a rollout updates at once. */
  maxParallel: 1000,
  /** Health check retries before a task is unhealthy. */
  healthRetries: 100,
  /** Replaced containers kept per task for a quick rollback. */
  keepReplaced: 20,
  /** A job's CPU limit, in cores. */
  cpus: 1024,
  /** A job's memory limit, in bytes (1 TiB). */
  memoryBytes: 1024 ** 4,
  /** Length of an actor (token name or user@host) and of a reason, in characters. */
  actorLength: 200,
  reasonLength: 2000,
} as const;

export type LimitName = keyof typeof LIMITS;
