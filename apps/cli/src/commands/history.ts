import { Command } from 'commander';
import type { HistoryResponse } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { revision, shortDigest, time } from '../render/format';
import { table } from '../render/table';
import { jsonOption } from '../options';

export const historyCommand = () =>
  new Command('history')
    .description("a job's revisions: image, digest, who changed what and why")
    .argument('<job>')
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, job: string, options: { json?: boolean }) => {
        const history = await cli.api.get<HistoryResponse>(`/jobs/${encodeURIComponent(job)}/history`);
        if (options.json) return cli.json(history);
        const c = cli.out.color;
        const newestFirst = [...history.revisions].sort((a, b) => b.revision - a.revision);
        const lines = table(
          newestFirst,
          [
            {
              header: 'revision',
              cell: (r) =>
                r.revision === history.current ? c.green(`${revision(r.revision)} *`) : revision(r.revision),
            },
            { header: 'image', cell: (r) => r.image },
            { header: 'digest', cell: (r) => shortDigest(r.digest) },
            { header: 'at', cell: (r) => time(r.at) },
            { header: 'actor', cell: (r) => r.actor },
            { header: 'changed', cell: (r) => r.changes.map((ch) => ch.path).join(', ') },
            { header: 'reason', cell: (r) => r.reason ?? '' },
          ],
          c.bold,
        );
        for (const line of lines) cli.out.line(line);
        if (history.current !== undefined) cli.out.line(c.dim('* current revision'));
        const rollbacks = history.rollbacks ?? [];
        if (rollbacks.length === 0) return;
        cli.out.line('');
        cli.out.line(c.bold('Rollbacks:'));
        const rows = table(
          rollbacks,
          [
            { header: 'at', cell: (r) => time(r.at) },
            { header: 'kind', cell: (r) => r.kind },
            { header: 'rolled back', cell: (r) => revision(r.from) },
            { header: 'to', cell: (r) => revision(r.to) },
            { header: 'actor', cell: (r) => r.actor },
            { header: 'rollout', cell: (r) => r.rolloutId },
            { header: 'reason', cell: (r) => r.reason ?? '' },
          ],
          c.bold,
        );
        for (const line of rows) cli.out.line(line);
      }),
    );
