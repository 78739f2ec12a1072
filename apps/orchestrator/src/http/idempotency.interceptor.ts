import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, of, tap } from 'rxjs';
import { CLOCK, type Clock } from '../clock';
import { READ_DB } from '../read-model/read-db.token';
import type { ReadDb } from '../read-model/read-db';
import { CommandAnswers, fingerprintOf } from './command-answers';
import type { HttpRequest, HttpResponse } from './express-types';
import { conflict } from './problem';

type BodyRequest = HttpRequest & { body?: { commandId?: unknown } };

/**
 * A change is run once per command id, before any side effect: the same id with the same request
 * answers the first answer again (its status and body); the same id with another request is a
 * 409 naming the first one; an id whose first request is still running is a 409 too.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly answers: CommandAnswers;

  constructor(
    @Inject(READ_DB) db: ReadDb,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.answers = new CommandAnswers(db);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<BodyRequest>();
    const response = context.switchToHttp().getResponse<HttpResponse>();
    const commandId = request.body?.commandId;
    if (request.method !== 'POST' || typeof commandId !== 'string') return next.handle();
    const described = `${request.method} ${request.path}`;
    const fingerprint = fingerprintOf(request.method, request.path, request.body);
    const first = this.answers.claim(commandId, fingerprint, described, this.clock.now().toISOString());
    if (first) {
      if (first.fingerprint !== fingerprint) {
        throw conflict(
          'command-id-reused',
          `commandId ${commandId} was already used by ${first.request} at ${first.receivedAt}, with another request; this one was not run`,
          'send a fresh commandId for another command (cj does for every invocation)',
        );
      }
      if (first.answer === null || first.status === null) {
        throw conflict(
          'command-in-progress',
          `command ${commandId} (${first.request}) is still running`,
          'wait for its answer, then retry with the same commandId',
        );
      }
      response.status(first.status);
      return of(JSON.parse(first.answer) as unknown);
    }
    return next.handle().pipe(
      tap({
        next: (answer) => this.answers.answered(commandId, response.statusCode, answer),
        error: () => this.answers.release(commandId),
      }),
    );
  }
}
