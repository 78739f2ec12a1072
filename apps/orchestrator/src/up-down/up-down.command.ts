import type { UpDownResponse } from '@cj/api';
import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../store/command-context';

/** Start every task of the job's current revision that is not running. */
export class UpJobCommand extends Command<UpDownResponse> {
  constructor(
    readonly env: string,
    readonly job: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Stop and remove every container of the job's tasks. */
export class DownJobCommand extends Command<UpDownResponse> {
  constructor(
    readonly env: string,
    readonly job: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
