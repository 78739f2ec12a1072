import { isLive, type ContainerInfo, type ContainerRuntime } from '@cj/domain';

/**
 * Removes cj's stopped containers of a job beyond `keep` per task (the newest are kept for a quick
 * rollback). Every created container leaves files on the host; without this a busy host runs out of
 * inodes. Live (see `isLive`) and created (about to start) containers are never touched. Returns what it removed.
 */
export async function removeReplaced(
  runtime: ContainerRuntime,
  scope: { env: string; job: string; keep: number },
): Promise<ContainerInfo[]> {
  const containers = await runtime.list({ env: scope.env, job: scope.job });
  const stoppedByTask = new Map<number, ContainerInfo[]>();
  for (const container of containers) {
    if (isLive(container.state) || container.state === 'created') continue;
    stoppedByTask.set(container.task, [...(stoppedByTask.get(container.task) ?? []), container]);
  }
  const doomed = [...stoppedByTask.values()].flatMap((stopped) =>
    [...stopped]
      .sort((a, b) => (b.finishedAt ?? b.createdAt).localeCompare(a.finishedAt ?? a.createdAt))
      .slice(Math.max(0, scope.keep)),
  );
  for (const container of doomed) await runtime.remove(container.id);
  return doomed;
}
