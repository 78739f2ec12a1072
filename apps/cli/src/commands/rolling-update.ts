import { Command, Option } from 'commander';
import type { RollingUpdateRequest, RolloutOrder, RolloutView } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { duration, maxParallelOption, orderOption, reasonOption } from '../options';
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

const monitorOption = () =>
  new Option(
    '--monitor <duration>',
    "watch every updated task this long after the last batch, before success (default: the job's update.monitor)",
  ).argParser(duration);

export const rollingUpdateCommand = () =>
  new Command('rolling-update')
    .description('move every task of a job to a new revision, batch by batch, gated on health')
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
