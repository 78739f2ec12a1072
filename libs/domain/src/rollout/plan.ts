/**
 * The rollout planner: which tasks move together. Batches hold at most `maxParallel` tasks and
 * take tasks from the hosts in turn, so that a batch touches as many different hosts as it can and
 * no host loses all its replicas of the job at once while others have not started.
 */
import type { RolloutTask } from './events';

export function planBatches(tasks: readonly RolloutTask[], maxParallel: number): number[][] {
  if (!Number.isInteger(maxParallel) || maxParallel < 1) {
    throw new RangeError(`maxParallel must be a whole number of at least 1, got ${maxParallel}`);
  }
  const byHost = new Map<string, RolloutTask[]>();
  for (const task of [...tasks].sort((a, b) => a.task - b.task)) {
    byHost.set(task.host, [...(byHost.get(task.host) ?? []), task]);
  }
  const order: number[] = [];
  const queues = [...byHost.values()];
  for (let round = 0; order.length < tasks.length; round++) {
    for (const queue of queues) if (round < queue.length) order.push(queue[round].task);
  }
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += maxParallel) batches.push(order.slice(i, i + maxParallel));
  return batches;
}
