import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { describeLocation } from '@cj/domain';
import { Metrics } from '../metrics/metrics';
import { ProjectionRunner } from '../read-model/projection-runner';
import { StoreHealth } from '../store/store-health';
import { StoreIdentities } from '../store/store-identity';
import type { HttpResponse } from '../http/express-types';
import type { StoreIdentityView } from '@cj/api';

@ApiTags('system')
@Controller()
export class SystemController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(ProjectionRunner) private readonly projections: ProjectionRunner,
    @Inject(StoreHealth) private readonly store: StoreHealth,
    @Inject(StoreIdentities) private readonly identities: StoreIdentities,
  ) {}

  /**
   * The store's identity (the cluster's: containers carry it in their `cj.cluster` label), where it
   * runs now, and where it ran before when this start found it moved.
   */
  @Get('v1/store')
  @ApiOperation({ summary: "The event store's identity and location" })
  storeIdentity(): StoreIdentityView {
    const { storeId, createdAt, location, relocatedFrom } = this.identities.current;
    return {
      storeId,
      createdAt,
      location,
      describedLocation: describeLocation(location),
      ...(relocatedFrom && { relocatedFrom, describedRelocatedFrom: describeLocation(relocatedFrom) }),
    };
  }

  /**
   * Liveness and readiness: 200 once the read models have caught up with the log; 503 with the
   * reasons while they catch up, while the log cannot be written, or while they lag it.
   */
  @Get('healthz')
  healthz(@Res() response: HttpResponse): void {
    const report = this.store.report();
    const body = {
      status: report.status,
      storeId: this.identities.current.storeId,
      projectionPosition: String(this.projections.position),
      ...(report.reasons.length > 0 && { reasons: report.reasons }),
    };
    response
      .status(report.status === 'ok' ? 200 : 503)
      .type('application/json')
      .send(JSON.stringify(body));
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async prometheus(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
