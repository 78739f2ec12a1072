import { Command } from 'commander';
import type { RollbackRequest, RolloutView } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { nonNegativeInt, reasonOption } from '../options';
import { printStarted } from '../render/rollout';
import { watchRollout } from '../rollout-watch';

export const rollbackCommand = () =>
  new Command('rollback')
    .description('roll a job back to its previous good revision (or --to one), through the same health gates')
    .argument('<job>')
    .option('--to <revision>', 'the revision to return to', nonNegativeInt)
    .option('--detach', 'start the rollback and return')
    .addOption(reasonOption())
    .action(
      action(async (cli: Cli, job: string, options: { to?: number; detach?: boolean; reason?: string }) => {
        const request: RollbackRequest = {
          ...cli.change(options.reason),
          ...(options.to !== undefined ? { toRevision: options.to } : {}),
        };
        const rollout = await cli.api.post<RolloutView>(`/jobs/${encodeURIComponent(job)}/rollback`, request);
        if (options.detach) return printStarted(cli.out, rollout);
        return watchRollout(cli, rollout);
      }),
    );
