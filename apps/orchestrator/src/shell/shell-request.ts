import type { IncomingMessage } from 'node:http';

/** The exec endpoint: a WebSocket upgrade of GET /v1/envs/{env}/jobs/{job}/exec. */
const EXEC_PATH = /^\/v1\/envs\/([^/]+)\/jobs\/([^/]+)\/exec$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** The subprotocol both ends speak; a browser's token travels as a second one (`bearer.<base64url>`). */
export const SHELL_PROTOCOL = 'cj.exec.v1';
const BEARER_PROTOCOL = 'bearer.';
const DEFAULT_SHELL = ['/bin/sh'];

export interface ShellRequestParams {
  readonly env: string;
  readonly job: string;
  readonly task: number;
  readonly command: readonly string[];
  readonly tty: boolean;
  readonly columns?: number;
  readonly rows?: number;
  /** Who connects (`web-console`, `cj`), recorded with the session. */
  readonly client: string;
}

export class ShellRequestError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** True when the upgrade is for the exec endpoint (other upgrades are not cj's). */
export function isExecPath(url: string | undefined): boolean {
  return EXEC_PATH.test(new URL(url ?? '/', 'http://cj').pathname);
}

function size(value: string | null, what: string): number | undefined {
  if (value === null) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 1000)
    throw new ShellRequestError(400, 'bad-request', `${what} must be a whole number from 1 to 1000`);
  return number;
}

/** The session asked for: `?task=N&cmd=…&cmd=…&tty=1&cols=&rows=&client=`; the default command is a shell. */
export function parseShellRequest(url: string | undefined): ShellRequestParams {
  const parsed = new URL(url ?? '/', 'http://cj');
  const match = EXEC_PATH.exec(parsed.pathname);
  if (!match) throw new ShellRequestError(404, 'not-found', `no exec endpoint at ${parsed.pathname}`);
  const [env, job] = [decodeURIComponent(match[1]), decodeURIComponent(match[2])];
  if (!NAME.test(env) || !NAME.test(job))
    throw new ShellRequestError(400, 'bad-request', 'environment and job names are letters, digits, - and _');
  const task = Number(parsed.searchParams.get('task') ?? '0');
  if (!Number.isInteger(task) || task < 0)
    throw new ShellRequestError(400, 'bad-request', `task "${parsed.searchParams.get('task')}" is not a task number`);
  const command = parsed.searchParams.getAll('cmd');
  if (command.some((part) => part.length > 4096) || command.length > 256)
    throw new ShellRequestError(400, 'bad-request', 'the command is too long');
  const client = parsed.searchParams.get('client') ?? 'unknown';
  if (!/^[a-z0-9-]{1,40}$/.test(client))
    throw new ShellRequestError(400, 'bad-request', 'client is a short lowercase name');
  return {
    env,
    job,
    task,
    command: command.length > 0 ? command : DEFAULT_SHELL,
    tty: parsed.searchParams.get('tty') === '1',
    columns: size(parsed.searchParams.get('cols'), 'cols'),
    rows: size(parsed.searchParams.get('rows'), 'rows'),
    client,
  };
}

/** The bearer token: from `Authorization` (the CLI) or a `bearer.<base64url>` subprotocol (a browser). */
export function shellToken(request: IncomingMessage): string | undefined {
  const header = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (header) return header;
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((protocol) => protocol.trim());
  const encoded = offered.find((protocol) => protocol.startsWith(BEARER_PROTOCOL))?.slice(BEARER_PROTOCOL.length);
  return encoded ? Buffer.from(encoded, 'base64url').toString('utf8') : undefined;
}

/**
 * A browser always sends its page's origin: it must be this orchestrator's own (another site's
 * page may not open shells with a token it does not hold, nor ride on one it does). Clients
 * without an origin (the CLI) are judged by their token alone.
 */
export function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const host = request.headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}
