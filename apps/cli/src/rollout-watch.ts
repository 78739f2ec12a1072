import { setTimeout as sleep } from 'node:timers/promises';
import { isTerminalRolloutPhase, type RolloutView } from '@cj/api';
import type { Cli } from './context';
import { ExitCode } from './errors';
import { rolloutProgress } from './render/progress';

const POLL_INTERVAL_MS = 500;

/**
 * Follows a rollout until it ends, showing progress, and returns the exit code its outcome means:
 * 0 succeeded, 3 rolled back, 1 failed, aborted, or paused (a paused rollout waits for a person).
 */
export async function watchRollout(cli: Cli, first: RolloutView): Promise<number> {
  const progress = rolloutProgress(cli.out);
  let view = first;
  progress.show(view);
  while (!isTerminalRolloutPhase(view.phase) && view.phase !== 'paused') {
    await sleep(POLL_INTERVAL_MS);
    view = await cli.api.get<RolloutView>(`/rollouts/${encodeURIComponent(view.id)}`);
    progress.show(view);
  }
  return outcome(cli, view);
}

function outcome(cli: Cli, view: RolloutView): number {
  const because = view.reason ? `: ${view.reason}` : '';
  switch (view.phase) {
    case 'succeeded':
      cli.out.line(`rollout ${view.id} succeeded: ${view.job} is at r${view.toRevision}`);
      return ExitCode.ok;
    case 'rolled-back':
      cli.out.error(`cj: rollout ${view.id} rolled back${because}`);
      cli.out.error(`  hint: see what failed with \`cj rollout status ${view.id}\` and \`cj logs ${view.job}\``);
      return ExitCode.rolledBack;
    case 'paused':
      cli.out.error(`cj: rollout ${view.id} is paused${because}`);
      cli.out.error(
        `  hint: continue with \`cj rollout resume ${view.id}\` or stop with \`cj rollout abort ${view.id}\``,
      );
      return ExitCode.failed;
    default:
      cli.out.error(`cj: rollout ${view.id} ${view.phase}${because}`);
      cli.out.error(`  hint: see \`cj rollout status ${view.id}\` and \`cj status ${view.job}\``);
      return ExitCode.failed;
  }
}
