import { Command } from 'commander';
import { resolve } from 'node:path';
import { action } from '../action';
import type { Cli } from '../context';

/** `cj admin backup PATH`: the embedded store copied by SQLite's online backup, on the orchestrator's machine. */
export const adminCommand = () =>
  new Command('admin').description('operations on the orchestrator itself').addCommand(
    new Command('backup')
      .description("copy the embedded event store to PATH on the orchestrator's machine (SQLite online backup; the file must not exist)")
      .argument('<path>', 'a new file; a relative path is taken from the current directory')
      .action(
        action(async (cli: Cli, path: string) => {
          const answer = await cli.api.root<{ path: string }>('POST', '/v1/admin/backup', { path: resolve(path) });
          cli.out.line(`Backed up the event store to ${answer.path}.`);
        }),
      ),
  );
