import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import { environmentStreamPrefix, trailerLine } from '@cj/domain';
import type { ImportResponse } from '@cj/api';
import type { EventStore } from '@cj/event-store';
import { Clock, CLOCK } from '../clock';
import { EnvironmentLocks } from '../hosts/environment-locks';
import type { HttpResponse } from '../http/express-types';
import { EnvNamePipe } from '../http/name.pipe';
import { badRequest, notFound } from '../http/problem';
import { ProjectionRunner } from '../read-model/projection-runner';
import { EVENT_STORE } from '../store/open-event-store';
import { StoreIdentities } from '../store/store-identity';
import { exportLines } from './export-lines';
import { importStep } from './import-step';
import { CommandContexts } from '../store/command-contexts';
import { ImportRequestDto } from './import-request.dto';

/** An environment's events out of one store and into another, as the portable log (libs/domain/src/portable-log). */
@ApiTags('portable log')
@Controller('v1/envs/:env')
export class PortableLogController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly locks: EnvironmentLocks,
    private readonly projections: ProjectionRunner,
    private readonly contexts: CommandContexts,
    @Inject(StoreIdentities) private readonly identities: StoreIdentities,
  ) {}

  /** Written as it is read, a page of the store at a time, so an env of a million events needs no more memory than one of ten. */
  @Get('export')
  @ApiProduces('application/x-ndjson')
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO instant: the events recorded up to it' })
  @ApiOperation({
    summary: "The environment's events as a checksummed NDJSON file (header, events in log order, trailer)",
  })
  async export(
    @Param('env', EnvNamePipe) env: string,
    @Query('asOf') asOf: string | undefined,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const until = asOf === undefined ? undefined : new Date(asOf);
    if (until && Number.isNaN(until.getTime()))
      throw badRequest(
        `asOf ${JSON.stringify(asOf)} is not an instant`,
        'give an ISO 8601 time, e.g. 2026-06-01T12:00:00Z',
      );
    const [first] = await this.store.readAll({
      fromPosition: 'start',
      maxCount: 1,
      filter: { streamPrefixes: [environmentStreamPrefix(env)] },
    });
    if (!first)
      throw notFound(
        'environment-empty',
        `environment ${env} has no events to export`,
        'name the environment with --env',
      );
    response.status(200).type('application/x-ndjson; charset=utf-8');
    const hash = createHash('sha256');
    let events = 0;
    let header = true;
    for await (const line of exportLines(this.store, {
      env,
      store: this.identities.current.storeId,
      exportedAt: this.clock.now().toISOString(),
      ...(until && { asOf: until.toISOString() }),
    })) {
      hash.update(`${line}\n`);
      if (!header) events++;
      header = false;
      if (!response.write(`${line}\n`)) await new Promise((resolve) => response.once('drain', resolve));
    }
    response.end(`${trailerLine(events, hash.digest('hex'))}\n`);
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'One step of an import: check lines, append them (those already recorded are skipped), or close the imported history',
  })
  async import(@Param('env', EnvNamePipe) env: string, @Body() body: ImportRequestDto): Promise<ImportResponse> {
    const context = this.contexts.of(body);
    const { position, ...answer } = await this.locks.run(env, () => importStep(this.store, env, body, context));
    if (position !== undefined) await this.projections.waitFor(position);
    return answer;
  }
}
