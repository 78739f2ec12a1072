import { Command } from 'commander';
import type { WhyResponse } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { time } from '../render/format';
import { table } from '../render/table';
import { jsonOption, nonNegativeInt } from '../options';

export const whyCommand = () =>
  new Command('why')
    .description('why a task is in its state: the command, the rollout, the checks that failed, who and why')
    .argument('<job>')
    .option('--task <n>', 'the task (default 0)', nonNegativeInt)
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, job: string, options: { task?: number; json?: boolean }) => {
        const why = await cli.api.get<WhyResponse>(`/jobs/${encodeURIComponent(job)}/why`, { task: options.task });
        if (options.json) return cli.json(why);
        const c = cli.out.color;
        if (!why.state) {
          cli.out.line(`Task ${why.task} of ${job} never ran.`);
          return;
        }
        cli.out.line(
          c.bold(
            `Task ${why.task} of ${job}: ${why.state.summary} (${time(why.state.at)}${why.state.host ? ` on ${why.state.host}` : ''})`,
          ),
        );
        const lines = table(
          why.chain,
          [
            { header: 'at', cell: (e) => time(e.at) },
            { header: 'type', cell: (e) => e.type },
            { header: 'task', cell: (e) => (e.task === undefined ? '' : String(e.task)), right: true },
            { header: 'host', cell: (e) => e.host ?? '' },
            { header: 'actor', cell: (e) => e.actor },
            { header: 'summary', cell: (e) => e.summary },
            { header: 'reason', cell: (e) => e.reason ?? '' },
          ],
          c.bold,
        );
        for (const line of lines) cli.out.line(line);
      }),
    );
