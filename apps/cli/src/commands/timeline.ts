import { Command } from 'commander';
import type { TimelineEntry } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { revision, shortId, shortImage, time } from '../render/format';
import { table } from '../render/table';
import { instant, jsonOption } from '../options';

export const timelineCommand = () =>
  new Command('timeline')
    .description('what ran where at a moment (default: now)')
    .option('--at <time>', 'the moment: ISO 8601 or a time ago (30m, 2h, 7d)', (t) => instant(t))
    .option('--host <host>', 'only this host')
    .option('--spec', "also print each revision's spec as it was recorded")
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, options: { at?: string; host?: string; spec?: boolean; json?: boolean }) => {
        const at = options.at ?? new Date().toISOString();
        const entries = await cli.api.get<TimelineEntry[]>('/timeline', { at, host: options.host, spec: options.spec });
        if (options.json) return cli.json(entries);
        if (entries.length === 0) {
          cli.out.line(`Nothing ran${options.host ? ` on ${options.host}` : ''} at ${time(at)}.`);
          return;
        }
        cli.out.line(cli.out.color.bold(`At ${time(at)}:`));
        const lines = table(
          entries,
          [
            { header: 'host', cell: (e) => e.host },
            { header: 'job', cell: (e) => e.job },
            { header: 'task', cell: (e) => String(e.task), right: true },
            { header: 'revision', cell: (e) => revision(e.revision) },
            { header: 'image', cell: (e) => shortImage(e.image) },
            { header: 'port', cell: (e) => (e.port === undefined ? '' : String(e.port)), right: true },
            { header: 'container', cell: (e) => shortId(e.containerId) },
            { header: 'from', cell: (e) => time(e.from) },
            { header: 'to', cell: (e) => time(e.to) },
          ],
          cli.out.color.bold,
        );
        for (const line of lines) cli.out.line(line);
        if (!options.spec) return;
        const specs = new Map(entries.filter((e) => e.spec).map((e) => [`${e.job} ${revision(e.revision)}`, e.spec]));
        for (const [which, spec] of specs) {
          cli.out.line('');
          cli.out.line(cli.out.color.bold(`${which}:`));
          for (const line of JSON.stringify(spec, null, 2).split('\n')) cli.out.line(`  ${line}`);
        }
      }),
    );
