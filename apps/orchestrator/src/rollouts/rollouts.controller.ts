import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { RolloutReplay, RolloutView, UpdatePolicy } from '@cj/api';
import type { EventStore } from '@cj/event-store';
import { IsOptional, IsString } from 'class-validator';
import { CommandContexts } from '../store/command-contexts';
import { ChangeRequestDto } from '../http/dto/change-request.dto';
import { EnvNamePipe, JobNamePipe } from '../http/name.pipe';
import { badRequest, notFound } from '../http/problem';
import { RolloutQueries } from '../read-model/queries/rollout-queries';
import { EVENT_STORE } from '../store/open-event-store';
import { replayRollout } from './rollout-replay';
import { ControlRolloutCommand, RollbackCommand, RollingUpdateCommand, type RolloutControl } from './rollout.command';
import { RollbackRequestDto, RollingUpdateRequestDto, UpdateRequestDto } from './rollout-requests.dto';

/** Rollout ids are UUIDs (they become stream names). */
const ROLLOUT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class RolloutListQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  job?: string;
}

const overridesOf = (body: RollingUpdateRequestDto | RollbackRequestDto): Partial<UpdatePolicy> => ({
  maxParallel: body.maxParallel,
  order: body.order,
  minHealthyTime: body.minHealthyTime,
  healthyDeadline: body.healthyDeadline,
  failureAction: body.failureAction,
  monitor: body.monitor,
});

/** Rolling updates, rollbacks, and the rollouts they start: followed, paused, resumed, aborted. */
@ApiTags('rollouts')
@Controller('v1/envs/:env')
export class RolloutsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly contexts: CommandContexts,
    private readonly rollouts: RolloutQueries,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post('jobs/:job/rolling-update')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pin a tag (or the recorded one, re-resolved) as a new revision and roll every task to it' })
  rollingUpdate(
    @Param('env', EnvNamePipe) env: string,
    @Param('job', JobNamePipe) job: string,
    @Body() body: RollingUpdateRequestDto,
  ): Promise<RolloutView> {
    return this.commands.execute(
      new RollingUpdateCommand(env, job, body.tag, overridesOf(body), this.contexts.of(body)),
    );
  }

  @Post('jobs/:job/update')
  @HttpCode(200)
  @ApiOperation({ summary: 'Roll a tag out (the talk’s `update JOB_TAG`)' })
  update(
    @Param('env', EnvNamePipe) env: string,
    @Param('job', JobNamePipe) job: string,
    @Body() body: UpdateRequestDto,
  ): Promise<RolloutView> {
    return this.commands.execute(
      new RollingUpdateCommand(env, job, body.tag, overridesOf(body), this.contexts.of(body)),
    );
  }

  @Post('jobs/:job/rollback')
  @HttpCode(200)
  @ApiOperation({ summary: 'Roll back to the previous good revision (or toRevision), through the same health gates' })
  rollback(
    @Param('env', EnvNamePipe) env: string,
    @Param('job', JobNamePipe) job: string,
    @Body() body: RollbackRequestDto,
  ): Promise<RolloutView> {
    return this.commands.execute(
      new RollbackCommand(env, job, body.toRevision, overridesOf(body), this.contexts.of(body)),
    );
  }

  @Get('rollouts')
  @ApiOperation({ summary: 'Rollouts, newest first (or one job’s)' })
  list(@Param('env', EnvNamePipe) env: string, @Query() query: RolloutListQueryDto): RolloutView[] {
    return this.rollouts.list(env, query.job);
  }

  @Get('rollouts/:id')
  @ApiOperation({ summary: 'One rollout and its tasks' })
  view(@Param('env', EnvNamePipe) env: string, @Param('id') id: string): RolloutView {
    const view = this.rollouts.view(env, rolloutId(id));
    if (!view)
      throw notFound(
        'rollout-not-found',
        `environment ${env} has no rollout ${id}`,
        `list them with cj rollout list --env ${env}`,
      );
    return view;
  }

  @Get('rollouts/:id/replay')
  @ApiOperation({ summary: 'One rollout replayed from its stream: each event, and the rollout as it stood after it' })
  async replay(@Param('env', EnvNamePipe) env: string, @Param('id') id: string): Promise<RolloutReplay> {
    const replay = await replayRollout(this.store, env, rolloutId(id));
    if (!replay)
      throw notFound(
        'rollout-not-found',
        `environment ${env} has no rollout ${id}`,
        `list them with cj rollout list --env ${env}`,
      );
    return replay;
  }

  @Post('rollouts/:id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start no new batch; tasks in flight finish' })
  pause(
    @Param('env', EnvNamePipe) env: string,
    @Param('id') id: string,
    @Body() body: ChangeRequestDto,
  ): Promise<RolloutView> {
    return this.control(env, id, 'pause', body);
  }

  @Post('rollouts/:id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Continue a paused rollout' })
  resume(
    @Param('env', EnvNamePipe) env: string,
    @Param('id') id: string,
    @Body() body: ChangeRequestDto,
  ): Promise<RolloutView> {
    return this.control(env, id, 'resume', body);
  }

  @Post('rollouts/:id/abort')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop the rollout: tasks in flight are restored, the rest are left as they are' })
  abort(
    @Param('env', EnvNamePipe) env: string,
    @Param('id') id: string,
    @Body() body: ChangeRequestDto,
  ): Promise<RolloutView> {
    return this.control(env, id, 'abort', body);
  }

  private control(env: string, id: string, control: RolloutControl, body: ChangeRequestDto): Promise<RolloutView> {
    return this.commands.execute(new ControlRolloutCommand(env, rolloutId(id), control, this.contexts.of(body)));
  }
}

function rolloutId(id: string): string {
  if (!ROLLOUT_ID.test(id))
    throw badRequest(`rollout id "${id}" is not valid`, 'rollout ids are UUIDs, as cj rollout list shows them');
  return id.toLowerCase();
}
