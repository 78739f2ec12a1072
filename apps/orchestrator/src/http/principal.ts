import { timingSafeEqual } from 'node:crypto';
import type { Principal } from '../auth/roles';
import type { TokenRegistry } from '../auth/token-registry';
import type { AccessTokens } from '../config/options';

export type { Principal } from '../auth/roles';

/** The names the tokens given on the command line go by: the actor of what they change. */
export const BOOTSTRAP_TOKEN_NAME = 'bootstrap';
export const READ_TOKEN_NAME = 'read-only';

/** Without any token (loopback only) every request is the local operator. */
export const LOCAL_OPERATOR: Principal = { name: 'local', role: 'operator' };

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The bearer token of an `Authorization` header, if it has one. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

/** Whether this orchestrator asks for tokens at all: a bootstrap token, or any named one. */
export function tokensRequired(tokens: AccessTokens | undefined, registry: TokenRegistry): boolean {
  return tokens !== undefined || registry.any;
}

/**
 * The one place a token becomes a principal, for the HTTP guard and the shell's WebSocket alike:
 * the bootstrap token (`--token`) is `bootstrap`, the read-only one `read-only`, a named token
 * (`cj token create`) its own name and role. `undefined`: not one of this orchestrator's tokens.
 */
export function principalOf(
  tokens: AccessTokens | undefined,
  registry: TokenRegistry,
  token: string,
): Principal | undefined {
  if (tokens !== undefined && same(token, tokens.operator)) return { name: BOOTSTRAP_TOKEN_NAME, role: 'operator' };
  if (tokens?.readOnly !== undefined && same(token, tokens.readOnly)) return { name: READ_TOKEN_NAME, role: 'viewer' };
  return registry.principalOf(token);
}
