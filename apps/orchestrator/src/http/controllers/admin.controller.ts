import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProjectionRunner } from '../../read-model/projection-runner';

@ApiTags('admin')
@Controller('v1/admin')
export class AdminController {
  constructor(private readonly projections: ProjectionRunner) {}

  /** Drops every read model and replays the whole log; answers once they have caught up. */
  @Post('rebuild-projections')
  @HttpCode(200)
  @ApiOperation({ summary: 'Drop the read models and rebuild them from the log' })
  async rebuild(): Promise<{ position: string }> {
    await this.projections.rebuild();
    await this.projections.caughtUp();
    return { position: String(this.projections.position) };
  }
}
