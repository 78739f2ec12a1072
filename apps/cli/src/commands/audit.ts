import { Command } from 'commander';
import type { AuditEntry } from '@cj/domain';
import { action } from '../action';
import type { Cli } from '../context';
import { time } from '../render/format';
import { table } from '../render/table';
import { instant, jsonOption, positiveInt } from '../options';

interface AuditOptions {
  readonly job?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit?: number;
  readonly json?: boolean;
}

export const auditCommand = () =>
  new Command('audit')
    .description('every recorded event: when, what, who and why')
    .option('--job <job>', 'only events of this job')
    .option('--since <time>', 'from this time: ISO 8601 or a time ago (30m, 2h, 7d)', (t) => instant(t))
    .option('--until <time>', 'up to this time: ISO 8601 or a time ago', (t) => instant(t))
    .option('--limit <n>', 'at most N entries', positiveInt)
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, options: AuditOptions) => {
        const entries = await cli.api.get<AuditEntry[]>('/audit', { job: options.job, since: options.since, until: options.until, limit: options.limit });
        if (options.json) return cli.json(entries);
        if (entries.length === 0) {
          cli.out.line('No events in that range.');
          return;
        }
        const lines = table(
          entries,
          [
            { header: 'at', cell: (e) => time(e.at) },
            { header: 'type', cell: (e) => e.type },
            { header: 'actor', cell: (e) => e.actor },
            { header: 'summary', cell: (e) => e.summary },
            { header: 'reason', cell: (e) => e.reason ?? '' },
          ],
          cli.out.color.bold,
        );
        for (const line of lines) cli.out.line(line);
      }),
    );
