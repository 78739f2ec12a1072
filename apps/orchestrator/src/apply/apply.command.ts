import type { ApplyResponse, SourceFile } from '@cj/api';
import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../store/command-context';

/** Record what a jobs file declares for an environment (hosts, job revisions, removals). */
export class ApplyJobsFileCommand extends Command<ApplyResponse> {
  constructor(
    readonly env: string,
    readonly jobs: SourceFile,
    readonly base: SourceFile | undefined,
    readonly dryRun: boolean,
    readonly context: CommandContext,
  ) {
    super();
  }
}
