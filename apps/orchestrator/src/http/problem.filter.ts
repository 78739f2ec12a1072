import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ApiProblem } from '@cj/domain';
import type { HttpResponse } from './express-types';
import { problemOf } from './error-problems';

const PROBLEM_TYPE = 'application/problem+json';

/** Renders every error as problem+json; unexpected errors are logged and reported without internals. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    const problem = this.toProblem(error);
    if (response.headersSent) {
      // A streamed response (logs) already started: all that is left is to end it.
      response.end();
      return;
    }
    response.status(problem.status).type(PROBLEM_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(error: unknown): ApiProblem {
    const known = problemOf(error);
    if (known) return known.toProblem();
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      const messages = typeof body === 'object' && body !== null && 'message' in body ? (body as { message: unknown }).message : error.message;
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
