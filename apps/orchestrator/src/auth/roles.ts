import { SetMetadata } from '@nestjs/common';

/** What a token may do: a viewer reads (and diffs, which records nothing); an operator changes too. */
export type Role = 'viewer' | 'operator';
export const ROLES: readonly Role[] = ['viewer', 'operator'];

/** Who a request comes from, once its bearer token is known. */
export interface Principal {
  /** The token's name: the actor recorded on every event this request causes. */
  readonly name: string;
  readonly role: Role;
}

export const REQUIRED_ROLE = 'cj:required-role';

/**
 * The least role a route needs. Without it: `viewer` for GET and HEAD, `operator` for everything
 * else. The one place where routes say who may call them (`AuthGuard` enforces it).
 */
export const RequiredRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

export function allows(held: Role, needed: Role): boolean {
  return held === 'operator' || needed === 'viewer';
}
