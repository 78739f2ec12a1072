import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContexts } from '../store/command-contexts';
import { EnvNamePipe } from '../http/name.pipe';
import { ApplyJobsFileCommand } from './apply.command';
import { ApplyRequestDto } from './apply-request.dto';
import type { ApplyResponse } from '@cj/api';

/** `cj apply`: a command, recorded as events before it answers. */
@ApiTags('changes')
@Controller('v1/envs/:env')
export class ApplyController {
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
}
