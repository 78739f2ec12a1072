import { Command } from 'commander';
import type { RolloutView } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { ExitCode } from '../errors';
import { revision, time } from '../render/format';
import { phaseColor, rolloutDetail } from '../render/rollout';
import { table } from '../render/table';
import { jsonOption, reasonOption } from '../options';
import { watchRollout } from '../rollout-watch';

const rolloutPath = (id: string) => `/rollouts/${encodeURIComponent(id)}`;

export const rolloutCommand = () =>
  new Command('rollout')
    .description('list, follow, pause, resume or abort rollouts')
    .addCommand(listCommand())
    .addCommand(statusCommand())
    .addCommand(controlCommand('pause', 'paused', 'stop starting new batches; tasks in flight finish'))
    .addCommand(controlCommand('resume', 'resumed', 'continue a paused rollout'))
    .addCommand(
      controlCommand(
        'abort',
        'abort requested',
        'end the rollout within seconds: tasks it touched return to the old revision',
      ),
    );

const listCommand = () =>
  new Command('list')
    .description('rollouts, newest first')
    .option('--job <job>', 'only this job')
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, options: { job?: string; json?: boolean }) => {
        const rollouts = await cli.api.get<RolloutView[]>('/rollouts', { job: options.job });
        if (options.json) return cli.json(rollouts);
        if (rollouts.length === 0) {
          cli.out.line('No rollouts.');
          return;
        }
        const c = cli.out.color;
        const lines = table(
          rollouts,
          [
            { header: 'id', cell: (r) => r.id },
            { header: 'job', cell: (r) => r.job },
            { header: 'from', cell: (r) => revision(r.fromRevision) },
            { header: 'to', cell: (r) => revision(r.toRevision) },
            { header: 'phase', cell: (r) => phaseColor(r.phase, c) },
            { header: 'started', cell: (r) => time(r.startedAt) },
            { header: 'ended', cell: (r) => time(r.endedAt) },
            { header: 'reason', cell: (r) => r.reason ?? '' },
          ],
          c.bold,
        );
        for (const line of lines) cli.out.line(line);
      }),
    );

const statusCommand = () =>
  new Command('status')
    .description(
      'a rollout and its tasks; with --wait, follow it to the end (exit 0 succeeded, 3 rolled back, 1 otherwise)',
    )
    .argument('<id>')
    .option('--wait', 'follow until the rollout ends, and exit with its outcome')
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, id: string, options: { wait?: boolean; json?: boolean }) => {
        const view = await cli.api.get<RolloutView>(rolloutPath(id));
        if (options.wait) return watchRollout(cli, view);
        if (options.json) return cli.json(view);
        for (const line of rolloutDetail(view, cli.out.color)) cli.out.line(line);
        return ExitCode.ok;
      }),
    );

function controlCommand(verb: 'pause' | 'resume' | 'abort', done: string, description: string): Command {
  return new Command(verb)
    .description(description)
    .argument('<id>')
    .addOption(reasonOption())
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, id: string, options: { reason?: string; json?: boolean }) => {
        const view = await cli.api.post<RolloutView>(`${rolloutPath(id)}/${verb}`, cli.change(options.reason));
        if (options.json) return cli.json(view);
        cli.out.line(`rollout ${view.id} ${done}: now ${phaseColor(view.phase, cli.out.color)}`);
      }),
    );
}
