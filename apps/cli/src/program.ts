import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_ENV, DEFAULT_URL } from './context';
import { adminCommand } from './commands/admin';
import { applyCommand } from './commands/apply';
import { auditCommand } from './commands/audit';
import { completionCommand } from './commands/completion';
import { diffCommand } from './commands/diff';
import { downCommand } from './commands/down';
import { execCommand } from './commands/exec';
import { historyCommand } from './commands/history';
import { hostsCommand } from './commands/hosts';
import { logsCommand } from './commands/logs';
import { replicateCommand } from './commands/replicate';
import { exportCommand, importCommand } from './commands/portable-log';
import { compareCommand } from './commands/compare';
import { rollbackCommand } from './commands/rollback';
import { rollingUpdateCommand } from './commands/rolling-update';
import { rolloutCommand } from './commands/rollout';
import { statusCommand } from './commands/status';
import { timelineCommand } from './commands/timeline';
import { tokenCommand } from './commands/token';
import { upCommand } from './commands/up';
import { updateCommand } from './commands/update';
import { webCommand } from './commands/web';
import { whyCommand } from './commands/why';

/** The `cj` command line: global options, then one command per file under commands/. */
export function program(version: string): Command {
  const cj = new Command('cj')
    .description('cj (coding-job): run jobs of Docker containers on named hosts, from a jobs file kept as code')
    .version(version, '-V, --version')
    .addOption(new Option('--url <url>', 'orchestrator URL').env('CJ_URL').default(DEFAULT_URL).argParser(httpUrl))
    .addOption(new Option('--env <env>', 'environment (cluster) to act on').env('CJ_ENV').default(DEFAULT_ENV))
    .addOption(new Option('--token <token>', 'API token, sent as Bearer').env('CJ_TOKEN'))
    .addCommand(applyCommand())
    .addCommand(diffCommand())
    .addCommand(upCommand())
    .addCommand(downCommand())
    .addCommand(statusCommand())
    .addCommand(updateCommand())
    .addCommand(rollingUpdateCommand())
    .addCommand(rollbackCommand())
    .addCommand(rolloutCommand())
    .addCommand(historyCommand())
    .addCommand(hostsCommand())
    .addCommand(logsCommand())
    .addCommand(execCommand())
    .addCommand(webCommand())
    .addCommand(auditCommand())
    .addCommand(whyCommand())
    .addCommand(timelineCommand())
    .addCommand(tokenCommand())
    .addCommand(replicateCommand())
    .addCommand(exportCommand())
    .addCommand(importCommand())
    .addCommand(compareCommand())
    .addCommand(adminCommand())
    .addCommand(completionCommand());
  forEachCommand(cj, (command) =>
    command
      .exitOverride()
      .showSuggestionAfterError()
      .configureOutput({ outputError: (message, write) => write(usageMessage(message, command)) }),
  );
  return cj;
}

/**
 * The orchestrator's base URL. The API's own prefix is taken off (`…/v1` would otherwise become
 * `…/v1/v1/envs/…`), as is a trailing slash; a query or fragment is refused.
 */
function httpUrl(text: string): string {
  if (!/^https?:\/\/[^/?#]+/.test(text))
    throw new InvalidArgumentError('expected an http(s) URL such as http://127.0.0.1:7420.');
  if (/[?#]/.test(text))
    throw new InvalidArgumentError(
      "expected the orchestrator's base URL, without a query or fragment, such as http://127.0.0.1:7420.",
    );
  return text.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** Commander's `error: …` in cj's shape, with where to find the usage. */
function usageMessage(message: string, command: Command): string {
  const path: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) path.unshift(c.name());
  return `${message.trimEnd().replace(/^error: /, 'cj: ')}\n  hint: see \`${path.join(' ')} --help\`\n`;
}

function forEachCommand(command: Command, visit: (command: Command) => void): void {
  visit(command);
  for (const sub of command.commands) forEachCommand(sub, visit);
}
