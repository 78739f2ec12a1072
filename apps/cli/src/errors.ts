import type { ApiProblem } from '@cj/api';

/** Exit codes of every command (see README): `diff` and the rollout commands add their own. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  /** A rollout ended by rolling back to where it started. */
  rolledBack: 3,
} as const;

/** An error the CLI reports as `cj: <message>` with an optional hint, then exits with `exitCode`. */
export abstract class CliError extends Error {
  abstract readonly exitCode: number;
  /** What the user can do about it. */
  readonly hint?: string;
  /** Extra lines printed after the message (one jobs-file error per line). */
  readonly details: readonly string[] = [];

  protected constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** Bad arguments or bad input detected before anything was sent. */
export class UsageError extends CliError {
  readonly exitCode = ExitCode.usage;

  constructor(message: string, hint?: string) {
    super(message, hint);
  }
}

/** Answers that say the request itself is wrong (malformed, too large, not JSON, invalid file): exit 2. */
const USAGE_STATUSES: ReadonlySet<number> = new Set([400, 413, 415, 422]);

/** The orchestrator answered with a problem (RFC 7807). Validation problems are usage errors. */
export class ApiError extends CliError {
  readonly exitCode: number;
  override readonly details: readonly string[];

  constructor(readonly problem: ApiProblem) {
    super(problem.detail || problem.title, problem.hint);
    this.exitCode = USAGE_STATUSES.has(problem.status) ? ExitCode.usage : ExitCode.failed;
    this.details = (problem.errors ?? []).map(
      (e) => `${e.file}:${e.line}:${e.column}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`,
    );
  }
}

/** Nothing answered at the orchestrator's URL. */
export class OrchestratorUnreachableError extends CliError {
  readonly exitCode = ExitCode.failed;

  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(
      `the orchestrator is not reachable at ${url} (${reason})`,
      'start it with `cj-orchestrator` (it listens on 127.0.0.1:7420 by default), or point cj at it with --url or CJ_URL',
    );
  }
}

/** The orchestrator answered something that is not the API (a proxy, another service). */
export class UnexpectedResponseError extends CliError {
  readonly exitCode = ExitCode.failed;

  constructor(url: string, what: string) {
    super(`unexpected answer from ${url}: ${what}`, 'check that --url / CJ_URL points at cj-orchestrator');
  }
}
