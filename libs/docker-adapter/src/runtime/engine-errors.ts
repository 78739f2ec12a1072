import { ContainerNotFound, DaemonError, HostUnreachable } from '../errors';
import { SshFailure } from './ssh-failure';

/** What dockerode/docker-modem errors carry. */
interface EngineFailure {
  readonly code?: string;
  readonly statusCode?: number;
  readonly json?: { message?: string } | null;
  readonly message: string;
}

const UNREACHABLE = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'EACCES',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function engineMessage(error: unknown): string {
  const failure = error as EngineFailure;
  return (failure.json?.message ?? failure.message ?? String(error)).trim();
}

export function statusOf(error: unknown): number | undefined {
  return (error as EngineFailure).statusCode;
}

export function isUnreachable(error: unknown): boolean {
  if (error instanceof SshFailure) return true;
  const failure = error as EngineFailure;
  if (failure.statusCode) return false;
  if (failure.code && UNREACHABLE.has(failure.code)) return true;
  // docker-modem destroys a request whose connection or reply timed out; TLS and ssh handshakes
  // that fail surface as plain errors without a status.
  return /socket hang up|timed? ?out|handshake|ssl|tls|certificate|authentication/i.test(failure.message ?? '');
}

/**
 * The connection dropped after the request went out, before its answer: docker-modem cuts a call
 * that outlives its timeout this way too. The engine may have received the call and may still
 * carry it out.
 */
export function isCutOff(error: unknown): boolean {
  if (error instanceof SshFailure) return false;
  const failure = error as EngineFailure;
  return failure.code === 'ECONNRESET' || failure.code === 'EPIPE' || /socket hang up/i.test(failure.message ?? '');
}

/** One call to the engine: when it began and how long it may wait for its answer. */
export interface EngineCall {
  readonly elapsedMs: number;
  readonly limitMs: number;
}

/** Maps an engine failure to a typed error naming the host, and the container when there is one. */
export function translate(
  error: unknown,
  context: { host: string; endpoint: string; operation: string; container?: string; call?: EngineCall },
): Error {
  if (isUnreachable(error)) {
    const failure = error as EngineFailure;
    // An ssh failure's message already says what went wrong and what to do (a refused host key, a refused login).
    if (error instanceof SshFailure)
      return new HostUnreachable(context.host, context.endpoint, error.message, { cause: error, selfExplained: true });
    if (isCutOff(error)) {
      const call = context.call;
      const timedOut = call !== undefined && call.elapsedMs >= call.limitMs;
      const reason = timedOut
        ? `no answer to "${context.operation}" within ${seconds(call.limitMs)}`
        : `the connection dropped during "${context.operation}": ${failure.code ?? engineMessage(error)}`;
      return new HostUnreachable(context.host, context.endpoint, reason, { cause: error, outcomeUnknown: true });
    }
    return new HostUnreachable(context.host, context.endpoint, failure.code ?? engineMessage(error), { cause: error });
  }
  if (context.container && statusOf(error) === 404) {
    return new ContainerNotFound(context.host, context.container, { cause: error });
  }
  return new DaemonError(context.host, context.operation, statusOf(error), engineMessage(error), { cause: error });
}

const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))}s`;
