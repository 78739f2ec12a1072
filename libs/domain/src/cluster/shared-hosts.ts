import type { HostEvent, HostNoLongerShared, HostSharedWithCluster } from '../host/events';
import { type CommandMetadata, eventMetadata } from '../command-metadata';
import type { ForeignContainer } from '@cj/api';

/** Every container of another cluster that one look at the host found, with its cluster's store id. */
export interface RecordForeignContainers {
  readonly type: 'RecordForeignContainers';
  readonly data: {
    readonly host: string;
    readonly containers: readonly (ForeignContainer & { readonly storeId: string })[];
  };
  readonly metadata: CommandMetadata;
}

/** The other clusters already reported on a host, by store id, with the containers first seen. */
export type SharedClusters = Readonly<Record<string, readonly ForeignContainer[]>>;

/**
 * Reports each other cluster once when its containers are first seen on the host, and once more
 * when none of them is left; a look that sees the same clusters again records nothing.
 */
export function decideSharedHost(command: RecordForeignContainers, shared: SharedClusters): readonly HostEvent[] {
  const { host, containers } = command.data;
  const metadata = eventMetadata(command.metadata);
  const byCluster = new Map<string, ForeignContainer[]>();
  for (const { storeId, ...container } of containers)
    byCluster.set(storeId, [...(byCluster.get(storeId) ?? []), container]);
  const gone: HostNoLongerShared[] = Object.keys(shared)
    .filter((storeId) => !byCluster.has(storeId))
    .map((otherStoreId) => ({ type: 'HostNoLongerShared', schemaVersion: 1, data: { host, otherStoreId }, metadata }));
  const found: HostSharedWithCluster[] = [...byCluster]
    .filter(([storeId]) => shared[storeId] === undefined)
    .map(([otherStoreId, seen]) => ({
      type: 'HostSharedWithCluster',
      schemaVersion: 1,
      data: { host, otherStoreId, containers: seen },
      metadata,
    }));
  return [...gone, ...found];
}

export function evolveShared(
  shared: SharedClusters,
  event: HostSharedWithCluster | HostNoLongerShared,
): SharedClusters {
  if (event.type === 'HostSharedWithCluster') return { ...shared, [event.data.otherStoreId]: event.data.containers };
  return Object.fromEntries(Object.entries(shared).filter(([storeId]) => storeId !== event.data.otherStoreId));
}
