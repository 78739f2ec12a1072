import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from './roles';

/**
 * The principal of the request being handled, set by `AuthGuard` and read where commands get their
 * metadata (`CommandContexts`), so no controller passes it along and none can forget to.
 */
export const requestPrincipal = new AsyncLocalStorage<{ principal?: Principal }>();

export function currentPrincipal(): Principal | undefined {
  return requestPrincipal.getStore()?.principal;
}
