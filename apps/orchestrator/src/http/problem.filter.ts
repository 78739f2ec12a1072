import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import type { ApiProblem } from '@cj/api';
import type { HttpRequest, HttpResponse } from './express-types';
import { problemOf } from './error-problems';

const PROBLEM_TYPE = 'application/problem+json';

/** Renders every error as problem+json; unexpected errors are logged and reported without internals. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    const request = host.switchToHttp().getRequest<HttpRequest>();
    const allowed = error instanceof NotFoundException ? allowedMethods(request) : [];
    const problem = allowed.length > 0 ? methodNotAllowed(request, allowed) : this.toProblem(error);
    if (response.headersSent) {
      // A streamed response (logs) already started: all that is left is to end it.
      response.end();
      return;
    }
    if (allowed.length > 0) response.setHeader('Allow', allowed.join(', '));
    if (problem.status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="cj"');
    response.status(problem.status).type(PROBLEM_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(error: unknown): ApiProblem {
    const known = problemOf(error);
    if (known) return known.toProblem();
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      const messages =
        typeof body === 'object' && body !== null && 'message' in body
          ? (body as { message: unknown }).message
          : error.message;
      const detail = Array.isArray(messages) ? messages.join('; ') : String(messages);
      return {
        type: `https://cj.dev/problems/${status === 400 ? 'invalid-request' : `http-${status}`}`,
        title: error.name.replace(/Exception$/, '').replace(/([a-z])([A-Z])/g, '$1 $2'),
        status,
        detail,
        hint: status === 400 ? 'check the request body against /openapi.json' : undefined,
      };
    }
    this.logger.error({ msg: 'unhandled error', error: error instanceof Error ? error.stack : String(error) });
    return {
      type: 'https://cj.dev/problems/internal',
      title: 'Internal error',
      status: 500,
      detail: error instanceof Error ? error.message : 'an unexpected error occurred',
      hint: 'see the orchestrator log for details',
    };
  }
}

interface RouteLayer {
  readonly route?: { _methods(): string[] };
  match(path: string): boolean;
}

/** The methods another route takes at this path: a 404 of the router there is really a 405. */
function allowedMethods(request: HttpRequest): string[] {
  const stack = (request as HttpRequest & { app?: { router?: { stack?: RouteLayer[] } } }).app?.router?.stack ?? [];
  const methods = stack
    .filter((layer) => layer.route !== undefined && layer.match(request.path))
    .flatMap((layer) => layer.route!._methods());
  return [...new Set(methods.map((method) => method.toUpperCase()))]
    .filter((method) => method !== request.method)
    .sort();
}

function methodNotAllowed(request: HttpRequest, allowed: readonly string[]): ApiProblem {
  return {
    type: 'https://cj.dev/problems/method-not-allowed',
    title: 'Method not allowed',
    status: 405,
    detail: `${request.method} is not a method of this path`,
    hint: `use ${allowed.join(' or ')}`,
  };
}
