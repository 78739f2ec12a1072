import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { Metrics } from '../../metrics/metrics';
import { ProjectionRunner } from '../../read-model/projection-runner';
import type { HttpResponse } from '../express-types';

@ApiTags('system')
@Controller()
export class SystemController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(ProjectionRunner) private readonly projections: ProjectionRunner,
  ) {}

  /** Liveness and readiness: 200 once the read models have caught up with the log. */
  @Get('healthz')
  healthz(@Res() response: HttpResponse): void {
    const body = {
      status: this.projections.isCaughtUp ? 'ok' : 'starting',
      projectionPosition: String(this.projections.position),
    };
    response.status(this.projections.isCaughtUp ? 200 : 503).type('application/json').send(JSON.stringify(body));
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async prometheus(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
