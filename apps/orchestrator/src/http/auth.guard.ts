import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthFailures } from '../auth/auth-failures';
import { requestPrincipal } from '../auth/request-principal';
import { allows, REQUIRED_ROLE, type Role } from '../auth/roles';
import { TokenRegistry } from '../auth/token-registry';
import type { AccessTokens } from '../config/options';
import { isPublicPath } from '../web/page-paths';
import type { HttpRequest, HttpResponse } from './express-types';
import { bearerToken, LOCAL_OPERATOR, principalOf, READ_TOKEN_NAME, tokensRequired, type Principal } from './principal';
import { ProblemError } from './problem';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The principal the guard resolved, for handlers that record who acted (the console's shell). */
export function principalOfRequest(request: HttpRequest): Principal {
  return (request as HttpRequest & { principal?: Principal }).principal ?? LOCAL_OPERATOR;
}

/**
 * Who is calling (authentication) and whether their role may call this route (authorization), in
 * one guard. Tokens: the bootstrap operator token (`--token`), the read-only one (`--read-token`),
 * and named tokens (`cj token create`). Without any of them (loopback only) every request is
 * allowed. A route's role is `@RequiredRole`, else viewer for GET/HEAD and operator for the rest.
 * Failed authentications are logged and limited per client address (429 past the limit).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('auth');
  private readonly failures = new AuthFailures();

  constructor(
    private readonly tokens: AccessTokens | undefined,
    private readonly registry: TokenRegistry,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    if (isPublicPath(request.path)) return true;
    if (!tokensRequired(this.tokens, this.registry)) return true;
    const principal = this.authenticate(request, context.switchToHttp().getResponse<HttpResponse>());
    const store = requestPrincipal.getStore();
    if (store) store.principal = principal;
    (request as HttpRequest & { principal?: Principal }).principal = principal;
    const needed =
      this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, [context.getHandler(), context.getClass()]) ??
      (READ_METHODS.has(request.method) ? 'viewer' : 'operator');
    if (allows(principal.role, needed)) return true;
    throw new ProblemError(
      403,
      principal.name === READ_TOKEN_NAME ? 'read-only-token' : 'forbidden',
      'Forbidden',
      `${request.method} ${request.path} needs the ${needed} role; token ${principal.name} has the ${principal.role} role`,
      'use the operator token',
    );
  }

  private authenticate(request: HttpRequest, response: HttpResponse): Principal {
    const client = request.socket.remoteAddress ?? 'unknown';
    const now = Date.now();
    const wait = this.failures.blockedFor(client, now);
    if (wait > 0) {
      response.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
      throw new ProblemError(
        429,
        'too-many-failed-authentications',
        'Too many requests',
        'too many failed authentications from this address',
        `wait ${Math.ceil(wait / 1000)} s, then send a valid token`,
      );
    }
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      throw new ProblemError(
        401,
        'unauthenticated',
        'Unauthenticated',
        'this orchestrator requires a bearer token',
        'send Authorization: Bearer <token> (cj reads CJ_TOKEN)',
      );
    }
    const named = principalOf(this.tokens, this.registry, token);
    if (named) return named;
    const count = this.failures.record(client, now);
    this.logger.warn({
      msg: 'authentication failed',
      client,
      method: request.method,
      path: request.path,
      failuresInWindow: count,
    });
    throw new ProblemError(
      401,
      'unauthenticated',
      'Unauthenticated',
      'the bearer token is not valid for this orchestrator',
      'check CJ_TOKEN',
    );
  }
}
