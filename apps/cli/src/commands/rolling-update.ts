import { Command, InvalidArgumentError, Option } from 'commander';
import type { RollingUpdateRequest, RolloutOrder, RolloutView } from '@cj/domain';
import { action } from '../action';
import type { Cli } from '../context';
import { maxParallelOption, orderOption, reasonOption } from '../options';
import { printStarted } from '../render/rollout';
import { watchRollout } from '../rollout-watch';

interface RollingUpdateOptions {
  readonly tag?: string;
  readonly maxParallel?: number;
  readonly order?: RolloutOrder;
  readonly monitor?: number;
  readonly detach?: boolean;
  readonly reason?: string;
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/**
 * A duration written as in the jobs file (`500ms`, `5s`, `1m30s`, `0`), in milliseconds; a bad one
 * is a usage error (exit 2). The CLI takes only types from the domain, so it reads the form itself.
 */
function duration(text: string): number {
  if (text === '0') return 0;
  if (!DURATION.test(text)) throw new InvalidArgumentError('expected a duration with a unit, such as 500ms, 5s or 1m30s (0 for none).');
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * UNIT_MS[unit];
  return Math.round(total);
}

const monitorOption = () =>
  new Option('--monitor <duration>', "watch every updated task this long after the last batch, before success (default: the job's update.monitor)").argParser(duration);

export const rollingUpdateCommand = () =>
  new Command('rolling-update')
    .description("move every task of a job to a new revision, batch by batch, gated on health")
    .argument('<job>')
    .option('--tag <tag>', 'the image tag to move to (default: the recorded spec, re-resolved)')
    .addOption(maxParallelOption())
    .addOption(orderOption())
    .addOption(monitorOption())
    .option('--detach', 'start the rollout and return; follow it with `cj rollout status ID --wait`')
    .addOption(reasonOption())
    .action(
      action(async (cli: Cli, job: string, options: RollingUpdateOptions) => {
        const request: RollingUpdateRequest = {
          ...cli.change(options.reason),
          ...(options.tag ? { tag: options.tag } : {}),
          ...(options.maxParallel ? { maxParallel: options.maxParallel } : {}),
          ...(options.order ? { order: options.order } : {}),
          ...(options.monitor !== undefined ? { monitor: options.monitor } : {}),
        };
        const rollout = await cli.api.post<RolloutView>(`/jobs/${encodeURIComponent(job)}/rolling-update`, request);
        if (options.detach) return printStarted(cli.out, rollout);
        return watchRollout(cli, rollout);
      }),
    );
