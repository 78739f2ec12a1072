import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { createServer } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback';

export interface TokenServerOptions {
  readonly issuer: string;
  readonly service: string;
  /** PEM private key and certificate that sign tokens (the registry trusts the certificate). */
  readonly signingKey: string;
  readonly signingCertificate: string;
  /** Accounts allowed to get tokens; every one is granted every action it asks for. */
  readonly users: Readonly<Record<string, string>>;
  readonly lifetimeSeconds?: number;
}

export interface TokenRequest {
  readonly account?: string;
  readonly service: string | null;
  readonly scopes: readonly string[];
}

export interface TokenServer {
  /** URL to configure as the registry's `auth.token.realm`. */
  readonly realm: string;
  /** Every token request that was answered with a token, in order. */
  readonly issued: TokenRequest[];
  stop(): Promise<void>;
}

/**
 * A minimal Docker token service (the registry token authentication spec): checks Basic
 * credentials and issues RS256 JWTs whose `x5c` header carries the signing certificate, which a
 * real registry verifies against its `rootcertbundle`.
 */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const key = createPrivateKey(options.signingKey);
  const certificate = new X509Certificate(options.signingCertificate).raw.toString('base64');
  const lifetime = options.lifetimeSeconds ?? 300;
  const issued: TokenRequest[] = [];

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://token');
    const account = authenticatedAccount(request.headers.authorization, options.users);
    if (url.pathname !== '/token' || account === null) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"invalid credentials"}');
      return;
    }
    const scopes = url.searchParams.getAll('scope');
    issued.push({ account, service: url.searchParams.get('service'), scopes });
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: options.issuer,
      sub: account ?? '',
      aud: url.searchParams.get('service') ?? options.service,
      iat: now,
      nbf: now - 5,
      exp: now + lifetime,
      jti: randomUUID(),
      access: scopes.map(parseScope),
    };
    const signingInput = `${base64url({ alg: 'RS256', typ: 'JWT', x5c: [certificate] })}.${base64url(claims)}`;
    const token = `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, expires_in: lifetime, issued_at: new Date(now * 1000).toISOString() }));
  });
  const port = await listenOnLoopback(server);
  return { realm: `http://127.0.0.1:${port}/token`, issued, stop: () => closeServer(server) };
}

/** The account named by valid Basic credentials; undefined for anonymous; null for wrong ones. */
function authenticatedAccount(
  header: string | undefined,
  users: Readonly<Record<string, string>>,
): string | undefined | null {
  if (!header) return undefined;
  const match = /^Basic (.+)$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return colon > 0 && users[user] === password ? user : null;
}

/** `repository:team/app:pull,push` → `{ type, name, actions }`. */
function parseScope(scope: string): { type: string; name: string; actions: string[] } {
  const parts = scope.split(':');
  return { type: parts[0], name: parts.slice(1, -1).join(':'), actions: parts[parts.length - 1].split(',') };
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
