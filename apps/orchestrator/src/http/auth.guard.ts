import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { AccessTokens } from '../config/options';
import { isPublicPath } from '../web/page-paths';
import type { HttpRequest } from './express-types';
import { bearerToken, LOCAL_OPERATOR, mayAct, principalOf, type Principal } from './principal';
import { ProblemError } from './problem';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The principal the guard resolved, for handlers that record who acted (the console's shell). */
export function principalOfRequest(request: HttpRequest): Principal {
  return (request as HttpRequest & { principal?: Principal }).principal ?? LOCAL_OPERATOR;
}

/**
 * Bearer-token roles. An operator token may do anything; a viewer (read-only) token may only use
 * GET/HEAD. Without configured tokens (loopback only) every request is allowed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokens | undefined) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    if (this.tokens === undefined) return true;
    if (isPublicPath(request.path)) return true;
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      throw new ProblemError(401, 'unauthenticated', 'Unauthenticated', 'this orchestrator requires a bearer token', 'send Authorization: Bearer <token> (cj reads CJ_TOKEN)');
    }
    const principal = principalOf(this.tokens, token);
    if (principal === undefined) {
      throw new ProblemError(401, 'unauthenticated', 'Unauthenticated', 'the bearer token is not valid for this orchestrator', 'check CJ_TOKEN');
    }
    (request as HttpRequest & { principal?: Principal }).principal = principal;
    if (mayAct(principal.role) || READ_METHODS.has(request.method)) return true;
    throw new ProblemError(403, 'read-only-token', 'Forbidden', `${request.method} ${request.path} changes the cluster; the read-only token may only read`, 'use the operator token');
  }
}
