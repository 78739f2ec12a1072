import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the CLI made, as the server received it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v1/envs/default/status?job=web`. */
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** Parsed JSON body, when there was one. */
  readonly body?: unknown;
}

/** One answer: a status, a JSON body (or raw text), and an optional content type. */
export interface RecordedResponse {
  readonly status?: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A loopback HTTP server that answers the orchestrator's API from recorded responses, and records
 * every request. A route (`GET /v1/envs/default/status`, query ignored) answers its responses in
 * turn, repeating the last one — so a polled rollout can move through phases.
 */
export class RecordedApi {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, RecordedResponse[]>();
  private readonly served = new Map<string, number>();
  private server?: Server;

  on(method: string, path: string, ...responses: RecordedResponse[]): this {
    this.routes.set(`${method} ${path}`, responses);
    this.served.set(`${method} ${path}`, 0);
    return this;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('RecordedApi is not listening; call start() first');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: raw ? JSON.parse(raw) : undefined,
        });
        const answer = this.next(`${req.method} ${(req.url ?? '').split('?')[0]}`);
        res.statusCode = answer.status ?? 200;
        for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
        if (answer.json !== undefined) {
          const problem = res.statusCode >= 400;
          res.setHeader(
            'content-type',
            answer.contentType ?? (problem ? 'application/problem+json' : 'application/json'),
          );
          res.end(JSON.stringify(answer.json));
        } else {
          res.setHeader('content-type', answer.contentType ?? 'text/plain');
          res.end(answer.text ?? '');
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests to a path (query ignored). */
  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.url.split('?')[0] === path);
  }

  private next(route: string): RecordedResponse {
    const responses = this.routes.get(route);
    if (!responses) {
      return {
        status: 404,
        json: { type: 'about:blank', title: 'Not Found', status: 404, detail: `no recorded answer for ${route}` },
      };
    }
    const i = this.served.get(route) ?? 0;
    this.served.set(route, i + 1);
    return responses[Math.min(i, responses.length - 1)];
  }
}
