import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChangeRequestDto } from '../http/dto/change-request.dto';
import { EnvNamePipe, JobNamePipe } from '../http/name.pipe';
import { CommandContexts } from '../store/command-contexts';
import { DownJobCommand, UpJobCommand } from './up-down.command';
import type { UpDownResponse } from '@cj/api';

/** `cj up` and `cj down`: commands, recorded as events before they answer. */
@ApiTags('changes')
@Controller('v1/envs/:env')
export class UpDownController {
  constructor(
    private readonly commands: CommandBus,
    private readonly contexts: CommandContexts,
  ) {}

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
}
