import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch, type Dispatcher, type Headers } from 'undici';
import { RegistryUnreachable, type RegistryErrorContext } from '../errors';

export interface TransportOptions {
  /** Per attempt, covering connect, headers and body. */
  readonly timeoutMs: number;
  /** Extra attempts after a 5xx answer or a network failure. 4xx answers are never retried. */
  readonly retries: number;
  /** First backoff delay; it doubles with each retry. */
  readonly retryBaseDelayMs: number;
  /** PEM CA certificate(s) trusted for HTTPS; when given they replace the system roots. */
  readonly caCertificate?: string | Buffer;
}

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A response with its body fully read, so a timeout covers the whole exchange. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
  /** The final URL, after redirects (blob downloads may redirect to storage). */
  readonly url: string;
}

// TLS verification failures will not heal by retrying.
const PERMANENT_TLS_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|ERR_SSL/;

/** HTTP with timeouts, a custom CA and retries with exponential backoff for transient failures. */
export class HttpTransport {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly options: TransportOptions) {
    this.dispatcher = new Agent(options.caCertificate ? { connect: { ca: options.caCertificate } } : {});
  }

  async send(request: HttpRequest, context: RegistryErrorContext): Promise<HttpResponse> {
    const attempts = this.options.retries + 1;
    for (let attempt = 1; ; attempt += 1) {
      let failure: string;
      let cause: unknown;
      try {
        const response = await this.attempt(request);
        if (response.status < 500) return response;
        failure = `${request.method} ${pathOf(request.url)} answered HTTP ${response.status}`;
      } catch (error) {
        cause = error;
        failure = `${request.method} ${pathOf(request.url)} failed: ${this.describe(error)}`;
        if (PERMANENT_TLS_FAILURE.test(errorCode(error))) throw new RegistryUnreachable(context, failure, { cause });
      }
      if (attempt >= attempts) {
        throw new RegistryUnreachable(context, `${failure} (after ${attempts} attempt${attempts > 1 ? 's' : ''})`, {
          cause,
        });
      }
      await sleep(this.options.retryBaseDelayMs * 2 ** (attempt - 1));
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async attempt(request: HttpRequest): Promise<HttpResponse> {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      dispatcher: this.dispatcher,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const body = Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body, url: response.url };
  }

  private describe(error: unknown): string {
    const { name, message, cause } = errorParts(error);
    if (name === 'TimeoutError') return `no answer within ${this.options.timeoutMs} ms`;
    const detail = errorParts(cause).message ?? message ?? String(error);
    return [errorCode(error), detail].filter(Boolean).join(' ');
  }
}

// Duck-typed: errors from fetch and AbortSignal may come from another realm than this module's Error.
function errorParts(error: unknown): { name?: string; message?: string; cause?: unknown } {
  if (typeof error !== 'object' || error === null) return {};
  const { name, message, cause } = error as { name?: unknown; message?: unknown; cause?: unknown };
  return {
    name: typeof name === 'string' ? name : undefined,
    message: typeof message === 'string' ? message : undefined,
    cause,
  };
}

function errorCode(error: unknown): string {
  const cause = errorParts(error).cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? cause.code : '';
}

function pathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}
