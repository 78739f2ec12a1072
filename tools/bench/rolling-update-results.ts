/** The raw numbers of a run (written as JSON) and the medians the report is made of. */
import type { Overhead, TaskPhases } from './rolling-update-phases';
import type { BrokenTag, ImageSize, Side } from './rolling-update-options';

export interface UpdateRound {
  readonly side: Side;
  /** Absent in results written before big images were measured: small. */
  readonly image?: ImageSize;
  readonly parallelism: number;
  readonly round: number;
  /** How the update ended: `succeeded`/`completed` when it did what was asked. */
  readonly outcome: string;
  /** Request until the poller saw the end. */
  readonly elapsedMs: number;
  /** The system's own start-to-end (cj: RolloutStarted → terminal event; Swarm: UpdateStatus). */
  readonly internalMs?: number;
  /** cj only: the lower bound and where the time above it went. */
  readonly lowerBoundMs?: number;
  readonly overhead?: Overhead;
  readonly tasks?: readonly TaskPhases[];
  /** Each task's downtime during the update, measured from outside (a prober every 50 ms), in ms. */
  readonly downtimeMs?: readonly number[];
  /**
   * cj only: of each task's downtime, the part while the pull phase ran (before any container was
   * stopped): the task was up but too slow to answer a probe within its timeout, its host (on these
   * machines, every host) busy unpacking the image.
   */
  readonly downtimeWhilePullingMs?: readonly number[];
}

export interface RollbackRound {
  readonly side: Side;
  readonly broken: BrokenTag;
  readonly round: number;
  readonly outcome: string;
  /** Request until every task runs the old version again, as the poller saw it. */
  readonly elapsedMs: number;
  readonly internalMs?: number;
  /** cj only: RolloutStarted until the rollback began (detecting the failure). */
  readonly detectMs?: number;
}

export interface BenchResults {
  readonly startedAt: string;
  readonly scenario: object;
  readonly updates: UpdateRound[];
  readonly rollbacks: RollbackRound[];
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
