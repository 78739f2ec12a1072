import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { AccessTokens } from '../config/options';
import { PAGE_PATHS } from '../web/page-paths';
import type { HttpRequest } from './express-types';
import { ProblemError } from './problem';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Paths anyone who reaches the port may read: liveness for supervisors, the status page (it holds no data). */
const PUBLIC_PATHS = new Set(['/healthz', ...PAGE_PATHS]);

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Bearer-token roles. The operator token may do anything; the read-only token may only use
 * GET/HEAD. Without configured tokens (loopback only) every request is allowed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokens | undefined) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.tokens === undefined) return true;
    const request = context.switchToHttp().getRequest<HttpRequest>();
    if (PUBLIC_PATHS.has(request.path)) return true;
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (token === undefined) {
      throw new ProblemError(401, 'unauthenticated', 'Unauthenticated', 'this orchestrator requires a bearer token', 'send Authorization: Bearer <token> (cj reads CJ_TOKEN)');
    }
    if (same(token, this.tokens.operator)) return true;
    if (this.tokens.readOnly !== undefined && same(token, this.tokens.readOnly)) {
      if (READ_METHODS.has(request.method)) return true;
      throw new ProblemError(403, 'read-only-token', 'Forbidden', `${request.method} ${request.path} changes the cluster; the read-only token may only read`, 'use the operator token');
    }
    throw new ProblemError(401, 'unauthenticated', 'Unauthenticated', 'the bearer token is not valid for this orchestrator', 'check CJ_TOKEN');
  }
}
