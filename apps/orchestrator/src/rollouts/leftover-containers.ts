/**
 * The rollout's last step: the job's containers that its placement has no place for (tasks the
 * target revision dropped, or moved to another host) are stopped and removed on every host of
 * the environment. Each host is listed afresh, so performing the step again after a crash finds
 * only what is still there.
 */
import {
  isLeftover,
  isLive,
  rolloutEvent,
  type ActiveRollout,
  type LeftoverCleanupFailure,
  type LeftoverContainer,
  type RolloutEvent,
  type TaskPlacement,
} from '@cj/domain';
import { UnknownRevision, type RolloutRunnerDeps } from './rollout-ports';
import { STOP_GRACE_SECONDS } from '../hosts/container-states';

export class LeftoverContainers {
  constructor(private readonly deps: Pick<RolloutRunnerDeps, 'hosts' | 'revisions' | 'now'>) {}

  /**
   * Never fails: a host that does not answer is reported with its reason and its leftovers stay.
   * Waiting for it would hold a rollout whose tasks all run as they should; the next successful
   * rollout of the job looks for leftovers again, everywhere.
   */
  async remove(rollout: ActiveRollout, placement: readonly TaskPlacement[]): Promise<RolloutEvent[]> {
    const containers: LeftoverContainer[] = [];
    const failures: LeftoverCleanupFailure[] = [];
    await Promise.all(
      this.deps.hosts.names(rollout.env).map(async (host) => {
        try {
          await this.removeOn(rollout, host, placement, containers);
        } catch (error) {
          failures.push({ host, reason: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
    const byPlace = (a: LeftoverContainer, b: LeftoverContainer) => a.task - b.task || a.host.localeCompare(b.host);
    return [
      rolloutEvent('LeftoverContainersRemoved', {
        at: this.deps.now(),
        containers: containers.sort(byPlace),
        ...(failures.length > 0 && { failures: failures.sort((a, b) => a.host.localeCompare(b.host)) }),
      }),
    ];
  }

  /** Adds each container to `removed` once it is gone, so a host that fails midway still reports what it removed. */
  private async removeOn(
    rollout: ActiveRollout,
    host: string,
    placement: readonly TaskPlacement[],
    removed: LeftoverContainer[],
  ): Promise<void> {
    const { runtime } = this.deps.hosts.host(rollout.env, host);
    const found = await runtime.list({ env: rollout.env, job: rollout.job });
    const known = await this.recordedRevisions(
      rollout,
      found.map((c) => c.revision),
    );
    const leftovers = found.filter((c) => isLeftover(placement, { task: c.task, revision: c.revision, host }, known));
    for (const container of leftovers) {
      // A stop first, so the task's process gets its grace period as at every other stop.
      if (isLive(container.state)) await runtime.stop(container.id, STOP_GRACE_SECONDS);
      await runtime.remove(container.id);
      removed.push({ task: container.task, host, containerId: container.id });
    }
  }

  /** Which of these revisions the job's stream records. */
  private async recordedRevisions(rollout: ActiveRollout, revisions: readonly number[]): Promise<Set<number>> {
    const recorded = new Set<number>();
    for (const revision of new Set(revisions)) {
      try {
        await this.deps.revisions.revision(rollout.env, rollout.job, revision);
        recorded.add(revision);
      } catch (error) {
        if (!(error instanceof UnknownRevision)) throw error;
      }
    }
    return recorded;
  }
}
