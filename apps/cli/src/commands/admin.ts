import { Command } from 'commander';
import { resolve } from 'node:path';
import type { ReadModelVerification } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { jsonOption } from '../options';

/**
 * `cj admin backup PATH`: the embedded store copied by SQLite's online backup, on the orchestrator's machine.
 * `cj admin verify`: the read models compared with a replay of the log; exit 1 naming each table that differs.
 */
export const adminCommand = () =>
  new Command('admin')
    .description('operations on the orchestrator itself')
    .addCommand(backupCommand())
    .addCommand(verifyCommand());

const verifyCommand = () =>
  new Command('verify')
    .description('replay the whole log into scratch read models and compare them, row by row, with the live ones')
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, options: { json?: boolean }) => {
        const report = await cli.api.root<ReadModelVerification>('POST', '/v1/admin/verify', {});
        if (options.json) cli.json(report);
        else if (report.ok)
          cli.out.line(
            `The read models match a replay of the log (${report.events} events, up to position ${report.position}).`,
          );
        else {
          cli.out.line(
            cli.out.color.red(
              `The read models differ from a replay of the log (${report.events} events, up to position ${report.position}):`,
            ),
          );
          for (const d of report.differences) {
            cli.out.line(
              `  ${d.projection}.${d.table}: ${d.onlyLive} row${d.onlyLive === 1 ? '' : 's'} only live, ${d.onlyRebuilt} only in the replay`,
            );
            for (const row of d.samples.live) cli.out.line(`    live:   ${JSON.stringify(row)}`);
            for (const row of d.samples.rebuilt) cli.out.line(`    replay: ${JSON.stringify(row)}`);
          }
          cli.out.line(
            'Rebuild them from the log with `POST /v1/admin/rebuild-projections` (or restart with --rebuild-projections).',
          );
        }
        return report.ok ? 0 : 1;
      }),
    );

const backupCommand = () =>
  new Command('backup')
    .description(
      "copy the embedded event store to PATH on the orchestrator's machine (SQLite online backup; the file must not exist)",
    )
    .argument('<path>', 'a new file; a relative path is taken from the current directory')
    .action(
      action(async (cli: Cli, path: string) => {
        const answer = await cli.api.root<{ path: string }>('POST', '/v1/admin/backup', { path: resolve(path) });
        cli.out.line(`Backed up the event store to ${answer.path}.`);
      }),
    );
