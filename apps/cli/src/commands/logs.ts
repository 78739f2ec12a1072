import { Command } from 'commander';
import { action } from '../action';
import type { Cli } from '../context';
import { nonNegativeInt } from '../options';

export const logsCommand = () =>
  new Command('logs')
    .description("a job's container output, as text")
    .argument('<job>')
    .option('--task <n>', 'the task whose container output to show (default: 0)', nonNegativeInt)
    .option('-f, --follow', 'keep streaming new output')
    .option('--tail <n>', 'start with the last N lines', nonNegativeInt)
    .action(
      action(async (cli: Cli, job: string, options: { task?: number; follow?: boolean; tail?: number }) => {
        const body = await cli.api.stream(`/jobs/${encodeURIComponent(job)}/logs`, {
          task: options.task,
          tail: options.tail,
          follow: options.follow ? true : undefined,
        });
        for await (const chunk of body) cli.out.write(Buffer.from(chunk).toString('utf8'));
      }),
    );
