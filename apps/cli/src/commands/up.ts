import { Command } from 'commander';
import type { UpDownResponse } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { jsonOption, reasonOption } from '../options';
import { printTaskActions } from '../render/task-actions';

export const upCommand = () =>
  new Command('up')
    .description("start every task of the job's current revision with the standard configuration")
    .argument('<job>')
    .addOption(reasonOption())
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, job: string, options: { reason?: string; json?: boolean }) => {
        const result = await cli.api.post<UpDownResponse>(
          `/jobs/${encodeURIComponent(job)}/up`,
          cli.change(options.reason),
        );
        if (options.json) return cli.json(result);
        printTaskActions(cli.out, result);
      }),
    );
