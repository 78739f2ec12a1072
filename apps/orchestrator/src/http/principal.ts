import { timingSafeEqual } from 'node:crypto';
import type { TokenRole, WhoAmIResponse } from '@cj/domain';
import type { AccessTokens } from '../config/options';

/** Who a request acts as: the token's name (the actor of what the console does) and its role. */
export type Principal = WhoAmIResponse;

/** Without configured tokens (loopback only) every request is the local operator. */
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

/**
 * The one place a token becomes a principal. Today's two tokens are named after their role
 * (`operator`, `viewer`); named tokens plug in here, each resolving to its own name and role.
 * `undefined`: the token is not one of this orchestrator's.
 */
export function principalOf(tokens: AccessTokens, token: string): Principal | undefined {
  if (same(token, tokens.operator)) return { name: 'operator', role: 'operator' };
  if (tokens.readOnly !== undefined && same(token, tokens.readOnly)) return { name: 'viewer', role: 'viewer' };
  return undefined;
}

/** The one role check: an operator may do what a viewer may, and change things. */
export function mayAct(role: TokenRole): boolean {
  return role === 'operator';
}
