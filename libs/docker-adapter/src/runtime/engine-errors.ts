import { ContainerNotFound, DaemonError, HostUnreachable } from '../errors';
import { SshFailure } from './ssh-failure';

/** What dockerode/docker-modem errors carry. */
interface EngineFailure {
  readonly code?: string;
  readonly statusCode?: number;
  readonly json?: { message?: string } | null;
  readonly message: string;
}

const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

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

/** Maps an engine failure to a typed error naming the host, and the container when there is one. */
export function translate(error: unknown, context: { host: string; endpoint: string; operation: string; container?: string }): Error {
  if (isUnreachable(error)) {
    const failure = error as EngineFailure;
    // An ssh failure's message already says what went wrong and what to do (a refused host key, a refused login).
    if (error instanceof SshFailure) return new HostUnreachable(context.host, context.endpoint, error.message, { cause: error, selfExplained: true });
    return new HostUnreachable(context.host, context.endpoint, failure.code ?? engineMessage(error), { cause: error });
  }
  if (context.container && statusOf(error) === 404) {
    return new ContainerNotFound(context.host, context.container, { cause: error });
  }
  return new DaemonError(context.host, context.operation, statusOf(error), engineMessage(error), { cause: error });
}
