import type { RegistryCredentials } from '@cj/domain';
import { isLoopback } from '../endpoint';
import { RegistryProtocolError, RegistryUnauthorized, type RegistryErrorContext } from '../errors';
import type { HttpTransport } from '../http/transport';
import { isRecord } from '../manifest/manifest';
import { parseChallenges, type Challenge } from './challenge';

export interface AuthenticatorOptions {
  readonly credentials?: RegistryCredentials;
  /** Where credentials came from (or were looked for), for error messages. */
  readonly credentialsSource: string;
  readonly transport: HttpTransport;
  /** Allows a token realm over plain HTTP on a non-loopback host. */
  readonly insecure: boolean;
  readonly now: () => number;
}

interface TokenService {
  readonly realm: string;
  readonly service?: string;
}

interface Token {
  readonly value: string;
  readonly expiresAt: number;
}

/** The token spec's default lifetime when the token service does not say. */
const DEFAULT_TOKEN_SECONDS = 60;

/**
 * Answers a registry's authentication challenges: Basic with the credentials, or the Bearer
 * token flow (ask the challenge's realm for a token for the service and scope, with the
 * credentials if any). Once a registry has challenged, later requests are authorized up front,
 * and bearer tokens are reused per scope until shortly before they expire.
 */
export class Authenticator {
  private mode:
    { readonly kind: 'anonymous' } | { readonly kind: 'basic' } | ({ readonly kind: 'bearer' } & TokenService) = {
    kind: 'anonymous',
  };
  private readonly tokens = new Map<string, Promise<Token>>();
  /** Scopes the registry asked for instead of the one cj guessed (e.g. `delete` needing more). */
  private readonly scopeAliases = new Map<string, string>();

  constructor(private readonly options: AuthenticatorOptions) {}

  /** The Authorization header for a request needing `scope`, or undefined while anonymous. */
  async authorization(scope: string, context: RegistryErrorContext): Promise<string | undefined> {
    const mode = this.mode;
    switch (mode.kind) {
      case 'anonymous':
        return undefined;
      case 'basic':
        return this.basicHeader();
      case 'bearer': {
        const token = await this.token(mode, this.scopeAliases.get(scope) ?? scope, context);
        return `Bearer ${token.value}`;
      }
    }
  }

  /**
   * Learns from a 401's `WWW-Authenticate` header how to authorize. Throws RegistryUnauthorized
   * when no authorization can be offered (no credentials for Basic, or an unknown scheme).
   */
  acceptChallenge(header: string | null, scope: string, context: RegistryErrorContext): void {
    const challenges = parseChallenges(header ?? '');
    const bearer = challenges.find((challenge) => challenge.scheme === 'bearer');
    const basic = challenges.find((challenge) => challenge.scheme === 'basic');
    if (bearer) return this.acceptBearer(bearer, scope, context);
    if (basic) {
      if (!this.options.credentials) {
        throw new RegistryUnauthorized(
          context,
          `the registry requires a login and no credentials were found (${this.options.credentialsSource})`,
        );
      }
      this.mode = { kind: 'basic' };
      return;
    }
    throw new RegistryUnauthorized(
      context,
      `the registry answered 401 with an unsupported challenge "${header ?? ''}"`,
    );
  }

  /** Explains why an authorized retry was still refused. */
  describeRefusal(): string {
    const user = this.options.credentials ? `user "${this.options.credentials.username}"` : 'anonymous access';
    if (this.mode.kind === 'bearer') return `the registry refused the token issued by ${this.mode.realm} for ${user}`;
    return `the registry refused the credentials of ${user} (${this.options.credentialsSource})`;
  }

  private acceptBearer(challenge: Challenge, scope: string, context: RegistryErrorContext): void {
    const { realm, service } = challenge.params;
    if (!realm)
      throw new RegistryUnauthorized(
        context,
        'the registry asked for a bearer token without naming a realm to get it from',
      );
    this.checkRealm(realm, context);
    this.mode = { kind: 'bearer', realm, service };
    const wanted = challenge.params.scope;
    if (wanted && wanted !== scope) this.scopeAliases.set(scope, wanted);
    // The token just sent (if any) was refused: never offer it again.
    this.tokens.delete(this.tokenKey(this.mode, this.scopeAliases.get(scope) ?? scope));
  }

  private checkRealm(realm: string, context: RegistryErrorContext): void {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryUnauthorized(context, `the token realm "${realm}" is not a URL`);
    }
    if (url.protocol === 'https:') return;
    if (url.protocol === 'http:' && (isLoopback(url.hostname) || this.options.insecure)) return;
    throw new RegistryUnauthorized(
      context,
      `the token realm "${realm}" is not HTTPS; credentials would travel in the clear`,
    );
  }

  private token(service: TokenService, scope: string, context: RegistryErrorContext): Promise<Token> {
    const key = this.tokenKey(service, scope);
    const cached = this.tokens.get(key);
    if (cached) {
      return cached.then((token) =>
        token.expiresAt > this.options.now() ? token : this.refresh(key, service, scope, context),
      );
    }
    return this.refresh(key, service, scope, context);
  }

  private refresh(key: string, service: TokenService, scope: string, context: RegistryErrorContext): Promise<Token> {
    const pending = this.fetchToken(service, scope, context);
    this.tokens.set(key, pending);
    pending.catch(() => {
      if (this.tokens.get(key) === pending) this.tokens.delete(key);
    });
    return pending;
  }

  private async fetchToken(
    { realm, service }: TokenService,
    scope: string,
    context: RegistryErrorContext,
  ): Promise<Token> {
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    url.searchParams.set('scope', scope);
    const credentials = this.options.credentials;
    if (credentials) url.searchParams.set('account', credentials.username);
    const requestedAt = this.options.now();
    const response = await this.options.transport.send(
      { method: 'GET', url: url.toString(), headers: credentials ? { authorization: this.basicHeader() } : {} },
      context,
    );
    if (response.status === 401 || response.status === 403) {
      const who = credentials
        ? `the credentials of user "${credentials.username}" (${this.options.credentialsSource})`
        : 'anonymous access';
      throw new RegistryUnauthorized(context, `the token service ${realm} refused ${who} for scope ${scope}`);
    }
    if (response.status !== 200) {
      throw new RegistryProtocolError(
        context,
        `the token service ${realm} answered HTTP ${response.status}`,
        response.status,
      );
    }
    return this.readToken(response.body.toString('utf8'), requestedAt, realm, context);
  }

  private readToken(body: string, requestedAt: number, realm: string, context: RegistryErrorContext): Token {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const value = isRecord(json) ? (json.token ?? json.access_token) : undefined;
    if (!isRecord(json) || typeof value !== 'string' || value === '') {
      throw new RegistryProtocolError(context, `the token service ${realm} returned no token`);
    }
    const lifetimeSeconds =
      typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : DEFAULT_TOKEN_SECONDS;
    const issuedAt = typeof json.issued_at === 'string' ? Date.parse(json.issued_at) : NaN;
    // The local clock decides: a skewed issued_at must not make a token look fresh for too long.
    const start = Number.isNaN(issuedAt) ? requestedAt : Math.min(issuedAt, requestedAt);
    // Renew a little early so a token does not expire between being chosen and being checked.
    const margin = Math.min(10_000, lifetimeSeconds * 100);
    return { value, expiresAt: start + lifetimeSeconds * 1000 - margin };
  }

  private basicHeader(): string {
    const { username, password } = this.options.credentials ?? { username: '', password: '' };
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  private tokenKey(service: TokenService, scope: string): string {
    return `${service.realm} ${service.service ?? ''} ${scope}`;
  }
}
