import type { ApiProblem } from '@cj/api';
import { ApiError, OrchestratorUnreachableError, UnexpectedResponseError } from './errors';
import { printable, printableStrings } from './render/printable';

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface ApiClientOptions {
  /** Base URL of the orchestrator, e.g. `http://127.0.0.1:7420`. */
  readonly url: string;
  /** Environment every path is scoped to (`/v1/envs/{env}`). */
  readonly env: string;
  /** Sent as `Authorization: Bearer` when set. */
  readonly token?: string;
  /**
   * Escape control characters in every string of every answer (problems included), for answers
   * printed to people; off for `--json`, whose JSON escapes them itself and keeps the exact text.
   */
  readonly printable?: boolean;
}

/**
 * A typed fetch wrapper over the orchestrator's HTTP API. Paths are relative to `/v1/envs/{env}`.
 * Problem+json answers become `ApiError`; a refused connection becomes
 * `OrchestratorUnreachableError`.
 */
export class ApiClient {
  private readonly base: string;

  constructor(private readonly options: ApiClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, query);
  }

  /** A GET whose answer headers matter too (the audit's paging marks). */
  async getWithHeaders<T>(path: string, query?: Query): Promise<{ body: T; headers: Headers }> {
    const response = await this.send('GET', path, query, undefined, 'application/json');
    return { body: await this.parse<T>(response), headers: response.headers };
  }

  /** A request outside any environment (`/v1/admin/…`): `path` is absolute. */
  async root<T>(method: string, path: string, body?: object): Promise<T> {
    return this.parse<T>(await this.send(method, path, undefined, body, 'application/json', ''));
  }

  post<T>(path: string, body: object): Promise<T> {
    return this.request<T>('POST', path, undefined, body);
  }

  /** Paths under `/v1/admin` (not scoped to an environment): tokens. */
  readonly admin = {
    get: <T>(path: string): Promise<T> => this.request<T>('GET', path, undefined, undefined, '/v1/admin'),
    post: <T>(path: string, body: object): Promise<T> => this.request<T>('POST', path, undefined, body, '/v1/admin'),
    delete: <T>(path: string): Promise<T> => this.request<T>('DELETE', path, undefined, undefined, '/v1/admin'),
  };

  /** A page the orchestrator serves outside the API (`/ui`): true when it answers with HTML. */
  async servesPage(path: string): Promise<boolean> {
    const response = await this.send('GET', path, undefined, undefined, 'text/html', '');
    await response.body?.cancel();
    return (response.headers.get('content-type') ?? '').startsWith('text/html');
  }

  /** A streamed text answer (logs): the body as it arrives. */
  async stream(path: string, query?: Query): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.send('GET', path, query, undefined, 'text/plain');
    if (!response.body) throw new UnexpectedResponseError(this.base, 'an empty body');
    return response.body;
  }

  private async request<T>(method: string, path: string, query?: Query, body?: object, prefix?: string): Promise<T> {
    return this.parse<T>(await this.send(method, path, query, body, 'application/json', prefix));
  }

  private async parse<T>(response: Response): Promise<T> {
    const text = await response.text();
    try {
      return (this.options.printable ? JSON.parse(text, printableStrings) : JSON.parse(text)) as T;
    } catch {
      throw new UnexpectedResponseError(this.base, `a ${response.status} answer that is not JSON`);
    }
  }

  private async send(
    method: string,
    path: string,
    query: Query | undefined,
    body: object | undefined,
    accept: string,
    prefix?: string,
  ): Promise<Response> {
    const url = this.url(path, query, prefix);
    const headers: Record<string, string> = { accept: `${accept}, application/problem+json` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new OrchestratorUnreachableError(this.base, networkReason(error));
    }
    if (!response.ok) throw new ApiError(await problemOf(response));
    return response;
  }

  private url(path: string, query?: Query, prefix = `/v1/envs/${encodeURIComponent(this.options.env)}`): string {
    const url = new URL(`${this.base}${prefix}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }
}

/** Reads an error answer as a problem, or makes one from the status when it is not problem+json. */
async function problemOf(response: Response): Promise<ApiProblem> {
  const text = await response.text();
  try {
    // Problems are printed on stderr, --json or not: always printable.
    const body = JSON.parse(text, printableStrings) as Partial<ApiProblem>;
    if (typeof body.title === 'string' || typeof body.detail === 'string') {
      return {
        type: body.type ?? 'about:blank',
        title: body.title ?? response.statusText,
        status: body.status ?? response.status,
        detail: body.detail ?? body.title ?? response.statusText,
        hint: body.hint,
        errors: body.errors,
      };
    }
  } catch {
    // Not JSON: described from the status line below.
  }
  const statusLine = `${response.status} ${response.statusText}`.trim();
  return {
    type: 'about:blank',
    title: statusLine,
    status: response.status,
    detail: text.trim() ? `${statusLine}: ${printable(text.trim().slice(0, 200))}` : statusLine,
  };
}

/** fetch reports every network failure as "fetch failed"; the cause says which. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
