import type { HostEvent, UnexpectedContainerFound, UnexpectedContainerGone } from './events';
import { type CommandMetadata, eventMetadata } from '../command-metadata';

/** One of cj's containers (by its labels) as one look at the host's engine saw it. */
export interface ContainerSighting {
  readonly containerId: string;
  readonly job: string;
  readonly task: number;
  readonly revision: number;
  readonly image: string;
  readonly name: string;
  readonly startedAt?: string;
  readonly running: boolean;
  /**
   * The job's log accounts for it: a task's container, one it adopts now, or one of a revision the
   * job has (the outgoing container of a start-first swap, which the log knows but a task's last
   * container no longer names).
   */
  readonly accounted: boolean;
}

/** Every container of the environment that the host's engine listed on one look. */
export interface RecordContainerSightings {
  readonly type: 'RecordContainerSightings';
  readonly data: { readonly host: string; readonly sightings: readonly ContainerSighting[] };
  readonly metadata: CommandMetadata;
}

/** What the host's stream remembers of a reported container: enough to say it is gone. */
export type ReportedContainer = Omit<UnexpectedContainerGone['data'], 'now' | 'host' | 'containerId'>;

/** The unexpected containers already reported, by container id. */
export type ReportedContainers = Readonly<Record<string, ReportedContainer>>;

/**
 * Reports each running container no task accounts for once, when first seen, and once more when
 * it stops being one; a look that sees the same containers again records nothing. Nothing is
 * asked of the engine: cj never stops or removes such a container itself.
 */
export function decideSightings(command: RecordContainerSightings, reported: ReportedContainers): readonly HostEvent[] {
  const { host, sightings } = command.data;
  const metadata = eventMetadata(command.metadata);
  const seen = new Map(sightings.map((sighting) => [sighting.containerId, sighting]));
  const unexpected = (sighting: ContainerSighting | undefined) =>
    sighting !== undefined && sighting.running && !sighting.accounted;

  const gone: UnexpectedContainerGone[] = Object.entries(reported)
    .filter(([containerId]) => !unexpected(seen.get(containerId)))
    .map(([containerId, container]) => {
      const sighting = seen.get(containerId);
      const now = sighting === undefined ? 'removed' : sighting.running ? 'known' : 'stopped';
      return {
        type: 'UnexpectedContainerGone',
        schemaVersion: 1,
        data: { host, containerId, ...container, now },
        metadata,
      };
    });
  const found: UnexpectedContainerFound[] = sightings
    .filter((sighting) => unexpected(sighting) && reported[sighting.containerId] === undefined)
    .map(({ containerId, job, task, revision, image, name, startedAt }) => ({
      type: 'UnexpectedContainerFound',
      schemaVersion: 1,
      data: { host, containerId, job, task, revision, image, name, ...(startedAt !== undefined && { startedAt }) },
      metadata,
    }));
  return [...gone, ...found];
}

export function evolveReported(
  reported: ReportedContainers,
  event: UnexpectedContainerFound | UnexpectedContainerGone,
): ReportedContainers {
  const { containerId, job, task, revision } = event.data;
  if (event.type === 'UnexpectedContainerFound') return { ...reported, [containerId]: { job, task, revision } };
  return Object.fromEntries(Object.entries(reported).filter(([id]) => id !== containerId));
}
