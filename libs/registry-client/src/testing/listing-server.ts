import { createServer, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback';

export interface ListingServerOptions {
  readonly repositories: readonly string[];
  readonly tags: Readonly<Record<string, readonly string[]>>;
  /** Canned answers by path (`/v2/app/manifests/old`), for what docker/distribution will not serve. */
  readonly responses?: Readonly<Record<string, { readonly contentType: string; readonly body: string }>>;
  /** Origin written into next-page links (default: the one the request was sent to). */
  readonly linkOrigin?: string;
}

export interface ListingServer {
  readonly url: string;
  readonly host: string;
  readonly requests: string[];
  stop(): Promise<void>;
}

/**
 * A registry API subset that honours `n` and `last` on both `_catalog` and `tags/list` and
 * links the next page with an absolute URL, as some registries do (docker/distribution 2.8
 * sends relative links and ignores `n` for tags).
 */
export async function startListingServer(options: ListingServerOptions): Promise<ListingServer> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const url = new URL(request.url ?? '/', options.linkOrigin ?? `http://${request.headers.host}`);
    const canned = options.responses?.[url.pathname];
    if (canned) {
      response
        .writeHead(200, { 'content-type': canned.contentType })
        .end(request.method === 'HEAD' ? undefined : canned.body);
      return;
    }
    const tagsPath = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    if (url.pathname === '/v2/_catalog') return page(url, response, 'repositories', options.repositories);
    if (tagsPath && options.tags[tagsPath[1]])
      return page(url, response, 'tags', options.tags[tagsPath[1]], { name: tagsPath[1] });
    const unknown = { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] };
    response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(unknown));
  });
  const port = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, requests, stop: () => closeServer(server) };
}

function page(url: URL, response: ServerResponse, field: string, all: readonly string[], extra: object = {}): void {
  const sorted = [...all].sort();
  const last = url.searchParams.get('last');
  const n = Number(url.searchParams.get('n') ?? sorted.length);
  const rest = last === null ? sorted : sorted.filter((item) => item > last);
  const items = rest.slice(0, n);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (rest.length > n) {
    const next = new URL(url);
    next.searchParams.set('last', items[items.length - 1]);
    headers.link = `<${next.toString()}>; rel="next"`;
  }
  response.writeHead(200, headers).end(JSON.stringify({ ...extra, [field]: items }));
}
