import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApplyResponse, ConfirmHostsResult, UpDownResponse } from '@cj/api';
import { ConfirmHostsCommand } from '../../hosts/confirm/confirm-hosts.command';
import { ConfirmHostsRequestDto } from '../dto/confirm-hosts-request.dto';
import { ApplyJobsFileCommand } from '../../commands/apply/apply.command';
import { ReplicateEnvironmentCommand, type ReplicateResponse } from '../../commands/replicate/replicate.command';
import { DownJobCommand, UpJobCommand } from '../../commands/up-down/up-down.command';
import { CommandContexts } from '../../commands/command-contexts';
import { ApplyRequestDto } from '../dto/apply-request.dto';
import { ChangeRequestDto } from '../dto/change-request.dto';
import { ReplicateRequestDto } from '../dto/replicate-request.dto';
import { EnvNamePipe, JobNamePipe } from '../name.pipe';

/** Changes to an environment: each one is a command, recorded as events before it answers. */
@ApiTags('changes')
@Controller('v1/envs/:env')
export class EnvCommandsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly contexts: CommandContexts,
  ) {}

  @Post('apply')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a jobs file: hosts, new job revisions, removals (dryRun: plan only)' })
  apply(@Param('env', EnvNamePipe) env: string, @Body() body: ApplyRequestDto): Promise<ApplyResponse> {
    return this.commands.execute(
      new ApplyJobsFileCommand(env, body.jobs, body.base, body.dryRun ?? false, this.contexts.of(body)),
    );
  }

  @Post('jobs/:job/up')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start every task of the current revision (a running task is left alone)' })
  up(
    @Param('env', EnvNamePipe) env: string,
    @Param('job', JobNamePipe) job: string,
    @Body() body: ChangeRequestDto,
  ): Promise<UpDownResponse> {
    return this.commands.execute(new UpJobCommand(env, job, this.contexts.of(body)));
  }

  @Post('jobs/:job/down')
  @HttpCode(200)
  @ApiOperation({ summary: "Stop and remove every container of the job's tasks" })
  down(
    @Param('env', EnvNamePipe) env: string,
    @Param('job', JobNamePipe) job: string,
    @Body() body: ChangeRequestDto,
  ): Promise<UpDownResponse> {
    return this.commands.execute(new DownJobCommand(env, job, this.contexts.of(body)));
  }

  @Post('hosts/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: "Confirm held hosts (the store moved) as this cluster's: cj acts on them again" })
  confirmHosts(
    @Param('env', EnvNamePipe) env: string,
    @Body() body: ConfirmHostsRequestDto,
  ): Promise<ConfirmHostsResult> {
    return this.commands.execute(new ConfirmHostsCommand(env, body.hosts, body.all ?? false, this.contexts.of(body)));
  }

  @Post('replicate')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Record this environment's jobs (now, as of T, or one revision) in another environment on other hosts, and roll out what runs there (dryRun: plan only)",
  })
  replicate(@Param('env', EnvNamePipe) env: string, @Body() body: ReplicateRequestDto): Promise<ReplicateResponse> {
    const selection = {
      ...(body.asOf !== undefined && { asOf: body.asOf }),
      ...(body.job !== undefined && { job: body.job }),
      ...(body.revision !== undefined && { revision: body.revision }),
    };
    const flags = { dryRun: body.dryRun ?? false, noDeploy: body.noDeploy ?? false };
    return this.commands.execute(
      new ReplicateEnvironmentCommand(env, body.targetEnv, body.hosts, selection, flags, this.contexts.of(body)),
    );
  }
}
