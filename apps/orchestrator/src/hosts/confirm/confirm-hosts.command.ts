import type { ConfirmHostsResult } from '@cj/api';
import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../store/command-context';

/** `cj hosts confirm HOST… | --all`: the held hosts named are this cluster's; cj acts on them again. */
export class ConfirmHostsCommand extends Command<ConfirmHostsResult> {
  constructor(
    readonly env: string,
    /** The hosts to confirm; undefined with `all`. */
    readonly hosts: readonly string[] | undefined,
    readonly all: boolean,
    readonly context: CommandContext,
  ) {
    super();
  }
}
