import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EnvNamePipe } from '../http/name.pipe';
import { CommandContexts } from '../store/command-contexts';
import { ReplicateEnvironmentCommand, type ReplicateResponse } from './replicate.command';
import { ReplicateRequestDto } from './replicate-request.dto';

/** `cj replicate`: a command, recorded as events before it answers. */
@ApiTags('changes')
@Controller('v1/envs/:env')
export class ReplicateController {
  constructor(
    private readonly commands: CommandBus,
    private readonly contexts: CommandContexts,
  ) {}

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
