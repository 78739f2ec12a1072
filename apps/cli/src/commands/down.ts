import { Command } from 'commander';
import type { UpDownResponse } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { jsonOption, reasonOption } from '../options';
import { printTaskActions } from '../render/task-actions';

export const downCommand = () =>
  new Command('down')
    .description("stop and remove every task's container of the job")
    .argument('<job>')
    .addOption(reasonOption())
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, job: string, options: { reason?: string; json?: boolean }) => {
        const result = await cli.api.post<UpDownResponse>(
          `/jobs/${encodeURIComponent(job)}/down`,
          cli.change(options.reason),
        );
        if (options.json) return cli.json(result);
        printTaskActions(cli.out, result);
      }),
    );
