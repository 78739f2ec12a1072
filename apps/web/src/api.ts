import type { ApiProblem, ChangeRequest, ConsoleFeedChange } from '@cj/api';

/** The bearer token lives in this tab only: closing it forgets the token. */
const TOKEN_KEY = 'cj.token';

export class Unauthenticated extends Error {}
export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string): void => sessionStorage.setItem(TOKEN_KEY, value),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const value = token.get();
  return value ? { ...extra, Authorization: `Bearer ${value}` } : extra;
}

async function problemOf(response: Response): Promise<string> {
  try {
    const problem = (await response.json()) as ApiProblem;
    const errors =
      problem.errors?.map((error) => `\n${error.file}:${error.line}:${error.column}: ${error.message}`).join('') ?? '';
    return problem.detail + (problem.hint ? ` (${problem.hint})` : '') + errors;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

async function send(method: 'GET' | 'POST', path: string, body?: object, signal?: AbortSignal): Promise<Response> {
  const response = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    signal,
  });
  if (response.status === 401) throw new Unauthenticated(await problemOf(response));
  if (!response.ok) throw new RequestFailed(await problemOf(response), response.status);
  return response;
}

/** `{name}` placeholders filled in, each URL-encoded. */
export function path(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params[name])));
}

export async function get<T>(url: string): Promise<T> {
  return (await send('GET', url)).json() as Promise<T>;
}

/** A change: an ordinary command with the console user's actor, a reason and a fresh command id. */
export async function change<T>(url: string, actor: string, reason: string, body: object = {}): Promise<T> {
  const request: ChangeRequest = {
    actor,
    commandId: crypto.randomUUID(),
    ...(reason.trim() !== '' && { reason: reason.trim() }),
  };
  return (await send('POST', url, { ...body, ...request })).json() as Promise<T>;
}

/** A POST that changes nothing (a diff). */
export async function query<T>(url: string, body: object): Promise<T> {
  return (await send('POST', url, body)).json() as Promise<T>;
}

/** Reads a streamed text answer, chunk by chunk, until it ends or `signal` aborts. */
export async function follow(url: string, onText: (text: string) => void, signal: AbortSignal): Promise<void> {
  const response = await send('GET', url, undefined, signal);
  const reader = (response.body as ReadableStream<Uint8Array>)
    .pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>)
    .getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onText(value);
  }
}

/**
 * The environment's live feed (server-sent events, read with fetch so the token travels in a
 * header, never in the URL). Resolves when the server ends it; rejects on errors.
 */
export async function feed(
  env: string,
  onChange: (change: ConsoleFeedChange) => void,
  signal: AbortSignal,
): Promise<void> {
  let buffer = '';
  await follow(
    path('/v1/envs/{env}/feed', { env }),
    (text) => {
      buffer += text;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = message
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (data !== '') onChange(JSON.parse(data) as ConsoleFeedChange);
      }
    },
    signal,
  );
}
