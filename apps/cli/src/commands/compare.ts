import { Command } from 'commander';
import type { CompareResponse, EnvironmentDifference } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { ExitCode } from '../errors';
import { jsonOption } from '../options';
import { printable } from '../render/printable';

/** Exit codes as `cj diff`: 0 equal, 1 different, 2 any error. */
export const compareCommand = () =>
  new Command('compare')
    .description('list every difference between this environment and another but host names (exit 1 when they differ)')
    .argument('<env>', 'the environment to compare with')
    .addOption(jsonOption())
    .action(
      action(
        async (cli: Cli, other: string, options: { json?: boolean }) => {
          const result = await cli.api.get<CompareResponse>(`/compare?with=${encodeURIComponent(other)}`);
          if (options.json) cli.json(result);
          else printCompare(cli, result);
          return result.equal ? ExitCode.ok : ExitCode.failed;
        },
        { failureExitCode: ExitCode.usage },
      ),
    );

function printCompare(cli: Cli, result: CompareResponse): void {
  if (result.equal) {
    cli.out.line(`${result.env} and ${result.with} are equal but for host names.`);
    return;
  }
  for (const difference of result.differences) cli.out.line(differenceLine(result, difference));
}

/** `web task 0 observed.state: running (prod) ≠ exited (staging)`; a value one side lacks shows as `-`. */
function differenceLine(result: CompareResponse, { job, task, field, left, right }: EnvironmentDifference): string {
  const line = `${job}${task === undefined ? '' : ` task ${task}`} ${field}: ${left ?? '-'} (${result.env}) ≠ ${right ?? '-'} (${result.with})`;
  return printable(line);
}
