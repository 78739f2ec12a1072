import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { LIMITS, type ApiProblem } from '@cj/api';
import type { HttpRequest, HttpResponse } from './express-types';

type Next = (error?: unknown) => void;
type BodyRequest = HttpRequest & { body?: unknown };

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Answers a problem from an Express middleware, where Nest's exception filter does not reach. */
export function sendProblem(response: HttpResponse, problem: ApiProblem, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

const problem = (status: number, slug: string, title: string, detail: string, hint: string): ApiProblem => ({
  type: `https://cj.dev/problems/${slug}`,
  title,
  status,
  detail,
  hint,
});

/**
 * What every request meets before a controller: the headers every answer carries, a JSON-only
 * body of bounded size (413), type (415) and depth (400), each a problem+json that names the limit.
 * Limits are `LIMITS` of @cj/domain, shared with the jobs file's validation and the CLI.
 */
export function useRequestLimits(nest: INestApplication): void {
  const app = nest as NestExpressApplication;
  app.disable('x-powered-by');
  app.use((_request: HttpRequest, response: HttpResponse, next: Next) => {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use((request: HttpRequest, response: HttpResponse, next: Next) => {
    if (!BODY_METHODS.has(request.method) || !hasBody(request)) return next();
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > LIMITS.requestBodyBytes) return sendProblem(response, tooLarge(length));
    const type = request.headers['content-type'] ?? '';
    if (!JSON_TYPE.test(type)) {
      return sendProblem(
        response,
        problem(
          415,
          'unsupported-media-type',
          'Unsupported media type',
          `the body is ${type === '' ? 'of no declared type' : JSON.stringify(type.slice(0, 100))}; this API reads JSON only`,
          'send Content-Type: application/json',
        ),
      );
    }
    next();
  });
  app.useBodyParser('json', { limit: LIMITS.requestBodyBytes });
  app.use((error: unknown, _request: HttpRequest, response: HttpResponse, next: Next) => {
    const { type, status, length } = (error ?? {}) as { type?: string; status?: number; length?: number };
    if (type === 'entity.too.large') return sendProblem(response, tooLarge(length));
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendProblem(
        response,
        problem(
          status,
          'invalid-body',
          'Bad request',
          `the body is not valid JSON: ${(error as Error).message}`,
          'send a JSON document',
        ),
      );
    }
    next(error);
  });
  app.use((request: BodyRequest, response: HttpResponse, next: Next) => {
    if (depthOf(request.body) > LIMITS.nestingDepth) {
      return sendProblem(
        response,
        problem(
          400,
          'too-deep',
          'Bad request',
          `the body nests deeper than ${LIMITS.nestingDepth} levels (the nesting limit)`,
          'see /openapi.json: no request nests more than a few levels',
        ),
      );
    }
    next();
  });
}

function hasBody(request: HttpRequest): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

function tooLarge(length: number | undefined): ApiProblem {
  return problem(
    413,
    'body-too-large',
    'Payload too large',
    `the body${length ? ` is ${length} bytes,` : ' is'} more than ${LIMITS.requestBodyBytes} bytes (the request body limit)`,
    `a jobs file may be at most ${LIMITS.jobsFileBytes} bytes; split the environment into several files`,
  );
}

/** How deep a parsed body nests, counted without recursion (a deep body must not overflow the stack). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > LIMITS.nestingDepth) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}
