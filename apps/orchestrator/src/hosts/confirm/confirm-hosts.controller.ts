import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EnvNamePipe } from '../../http/name.pipe';
import { CommandContexts } from '../../store/command-contexts';
import { ConfirmHostsCommand } from './confirm-hosts.command';
import { ConfirmHostsRequestDto } from './confirm-hosts-request.dto';
import type { ConfirmHostsResult } from '@cj/api';

/** `cj hosts confirm`: a command, recorded as events before it answers. */
@ApiTags('changes')
@Controller('v1/envs/:env')
export class ConfirmHostsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly contexts: CommandContexts,
  ) {}

  @Post('hosts/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: "Confirm held hosts (the store moved) as this cluster's: cj acts on them again" })
  confirmHosts(
    @Param('env', EnvNamePipe) env: string,
    @Body() body: ConfirmHostsRequestDto,
  ): Promise<ConfirmHostsResult> {
    return this.commands.execute(new ConfirmHostsCommand(env, body.hosts, body.all ?? false, this.contexts.of(body)));
  }
}
