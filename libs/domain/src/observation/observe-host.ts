import { isLive } from '../container/container-liveness';
import type { ContainerSighting } from '../host/unexpected-containers';
import type { JobCommand } from '../job/commands';
import type { ContainerInfo } from '../ports/container-runtime';
import type { HostLook, HostObservation, LastKnownContainer } from './host-look';

const runs = (container: ContainerInfo) => isLive(container.state);

/**
 * The observation rules: what the log must learn from one look at a host. For the tasks the log
 * knows there, containers that exited, restarted or vanished, and health transitions (not every
 * check). For the containers it does not know, a running one of a revision the job has is adopted
 * (a rollout or an `up` made it and cj stopped before recording it); every container seen goes to
 * the host's stream, which records the ones no task accounts for. None of this acts on a
 * container: an unexpected one is shown, never stopped, as it may be someone's on purpose.
 */
export function observeHost(look: HostLook): HostObservation {
  const jobCommands = new Map<string, JobCommand[]>();
  const add = (job: string, command: JobCommand) => jobCommands.set(job, [...(jobCommands.get(job) ?? []), command]);
  const listed = new Map(look.containers.map((container) => [container.id, container]));

  for (const known of look.known) {
    const command = learn(look, known, listed.get(known.containerId));
    if (command) add(known.job, command);
  }

  const lastContainers = new Set(look.known.map((known) => known.containerId));
  const sightings = look.containers.map((container): ContainerSighting => {
    const last = lastContainers.has(container.id);
    const revisionKnown = look.knownRevision(container.job, container.revision);
    if (!last && revisionKnown && adoptable(look, container, listed)) {
      add(container.job, {
        type: 'RecordContainerStarted',
        data: {
          job: container.job,
          task: container.task,
          host: look.host,
          containerId: container.id,
          revision: container.revision,
          ...(container.rollout && { rolloutId: container.rollout }),
        },
        metadata: look.metadata,
      });
    }
    const { id: containerId, job, image, name, startedAt } = container;
    const [task, revision] = [labelNumber(container.task), labelNumber(container.revision)];
    return {
      containerId,
      job,
      task,
      revision,
      image,
      name,
      ...(startedAt !== undefined && { startedAt }),
      running: runs(container),
      accounted: last || revisionKnown,
    };
  });

  return {
    jobCommands,
    sightings: { type: 'RecordContainerSightings', data: { host: look.host, sightings }, metadata: look.metadata },
  };
}

/** A hand-set label that is not a number reads as -1, as a missing one does, so a record keeps a number. */
const labelNumber = (value: number) => (Number.isInteger(value) ? value : -1);

/** What changed for a task's last known container since the log last heard of it, if anything. */
function learn(look: HostLook, known: LastKnownContainer, seen: ContainerInfo | undefined): JobCommand | undefined {
  const { metadata } = look;
  const ref = { job: known.job, task: known.task, host: look.host, containerId: known.containerId };
  if (!seen) {
    // Gone from the host (removed by hand, or the host was rebuilt): the log says so too.
    return { type: 'RecordContainerRemoved', data: ref, metadata };
  }
  if (known.state === 'running' && !runs(seen)) {
    return {
      type: 'RecordContainerExited',
      data: {
        ...ref,
        exitCode: seen.exitCode ?? -1,
        oomKilled: seen.oomKilled ?? false,
        ...(seen.finishedAt !== undefined && { exitedAt: seen.finishedAt }),
      },
      metadata,
    };
  }
  if (seen.restartCount > (known.restartCount ?? 0) && runs(seen)) {
    // The engine restarted it while nobody watched (its exit went unseen): the restart is recorded all the same.
    return {
      type: 'RecordContainerRestarted',
      data: { ...ref, count: seen.restartCount, ...(seen.startedAt !== undefined && { startedAt: seen.startedAt }) },
      metadata,
    };
  }
  if (known.state !== 'running' && runs(seen)) {
    // Restarted by its restart policy (or by hand).
    return { type: 'RecordContainerStarted', data: { ...ref, revision: known.revision }, metadata };
  }
  const health = runs(seen) ? look.health.get(seen.id) : undefined;
  if (health && (health.healthy ? 'healthy' : 'unhealthy') !== known.health) {
    return { type: 'RecordHealthCheck', data: { ...ref, passed: health.healthy, detail: health.detail }, metadata };
  }
  return undefined;
}

/**
 * A running container the log has no record of takes its task's place when the task has no
 * running container: cj made it and stopped before recording it. Beside a running one it is the
 * outgoing (or incoming) half of a start-first swap, which the rollout accounts for.
 */
function adoptable(look: HostLook, container: ContainerInfo, listed: ReadonlyMap<string, ContainerInfo>): boolean {
  if (container.state !== 'running') return false;
  const last = look.known.find((known) => known.job === container.job && known.task === container.task);
  return last === undefined || listed.get(last.containerId)?.state !== 'running';
}
