import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HostQueries } from '../read-model/queries/host-queries';

@ApiTags('queries')
@Controller('v1/envs')
export class EnvironmentsController {
  constructor(private readonly hosts: HostQueries) {}

  /** An environment exists once a jobs file declared its hosts: every job runs on declared hosts. */
  @Get()
  @ApiOperation({ summary: 'The names of the environments, sorted' })
  list(): string[] {
    return this.hosts.envs();
  }
}
