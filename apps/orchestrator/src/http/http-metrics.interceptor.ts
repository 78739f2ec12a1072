import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, finalize } from 'rxjs';
import { Metrics } from '../metrics/metrics';
import type { HttpRequest, HttpResponse } from './express-types';

/** Counts and times every request by route pattern (not raw path, to keep label cardinality low). */
@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: Metrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpResponse>();
    const route = request.route?.path ?? 'unmatched';
    const stopTimer = this.metrics.httpDuration.startTimer({ method: request.method, route });
    response.once('finish', () => {
      this.metrics.httpRequests.inc({ method: request.method, route, status: String(response.statusCode) });
    });
    return next.handle().pipe(finalize(() => stopTimer()));
  }
}
