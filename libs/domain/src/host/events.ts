import type { DomainEvent } from '../events/domain-event';
import type { EventOf } from '../events/metadata';
import type { ForeignContainer, HostSpec, StoreLocation } from '@cj/api';

/** Stream `cj.<env>.host.<name>`: where a host's Docker engine is, and whether it answers. */

/** The host's endpoint and address as the applied jobs file declares them (first time, or changed). */
export type HostDeclared = EventOf<
  'HostDeclared',
  { host: string; endpoint: string; address: string; tls?: HostSpec['tls']; sshHostKey?: string }
>;

/** Why a host was retired; the jobs file dropping it is the only way today. */
export type HostRetiredReason = 'dropped-from-jobs-file';

/**
 * The host is no longer part of the environment: the applied jobs file stopped naming it and
 * nothing of cj runs there any more. `last` is where it was, so the audit still says which engine
 * it meant. A later file that names it again declares it anew (`HostDeclared`).
 */
export type HostRetired = EventOf<
  'HostRetired',
  { host: string; reason: HostRetiredReason; last: { endpoint: string; address: string } }
>;

export type HostUnreachable = EventOf<'HostUnreachable', { host: string; endpoint: string; error: string }>;
export type HostReachable = EventOf<'HostReachable', { host: string; endpoint: string; engineVersion?: string }>;

/** Which of cj's labels a container carries: the task of a job, at a revision. */
interface LabelledContainer {
  host: string;
  containerId: string;
  job: string;
  task: number;
  revision: number;
}

/**
 * A running container carries cj's labels, but no task of the job's log accounts for it: the job
 * never had its revision, or the job is not registered (a container run by hand, or by a cj
 * writing to another store). Recorded once per container. It belongs on the host's stream because
 * the host is where it was seen and its job may not exist. cj leaves it running: it may be
 * someone's debugging session, and stopping what cj did not start would be the surprise.
 */
export type UnexpectedContainerFound = EventOf<
  'UnexpectedContainerFound',
  LabelledContainer & { image: string; name: string; startedAt?: string }
>;

/**
 * An unexpected container is no longer one: it stopped, it was removed, or its job's log now has
 * its revision (`known`). Lets the host forget it, so that it is reported again if it comes back.
 */
export type UnexpectedContainerGone = EventOf<
  'UnexpectedContainerGone',
  LabelledContainer & { now: 'stopped' | 'removed' | 'known' }
>;

/**
 * The store was started somewhere else than where it last ran (`StoreRelocated`): a copy may be
 * pointing at the machines of a live cluster, so cj does not act on this host (observe-and-act,
 * restarts, rollouts, up, down) until it is confirmed as this cluster's (`HostConfirmed`).
 */
export type HostHeld = EventOf<
  'HostHeld',
  { host: string; reason: 'store-relocated'; from: StoreLocation; to: StoreLocation }
>;

/** Someone confirmed that a held host is this cluster's: cj acts on it again. */
export type HostConfirmed = EventOf<'HostConfirmed', { host: string }>;

/**
 * Containers of another cluster (another store's id in their `cj.cluster` label) run on this host.
 * Recorded once per other cluster; cj never stops, removes or claims them, and hides them from its
 * own view of the host.
 */
export type HostSharedWithCluster = EventOf<
  'HostSharedWithCluster',
  { host: string; otherStoreId: string; containers: ForeignContainer[] }
>;

/** The other cluster's containers are no longer on the host. */
export type HostNoLongerShared = EventOf<'HostNoLongerShared', { host: string; otherStoreId: string }>;

export type HostEvent =
  | HostDeclared
  | HostRetired
  | HostUnreachable
  | HostReachable
  | UnexpectedContainerFound
  | UnexpectedContainerGone
  | HostHeld
  | HostConfirmed
  | HostSharedWithCluster
  | HostNoLongerShared;

/** Every host event type; the mapped type makes a new one fail to compile until it is listed. */
const HOST_EVENT_TYPES: { readonly [T in HostEvent['type']]: true } = {
  HostDeclared: true,
  HostRetired: true,
  HostUnreachable: true,
  HostReachable: true,
  UnexpectedContainerFound: true,
  UnexpectedContainerGone: true,
  HostHeld: true,
  HostConfirmed: true,
  HostSharedWithCluster: true,
  HostNoLongerShared: true,
};

/** True for the events a host's state folds; a reader of a host stream skips anything else. */
export function isHostEvent(event: DomainEvent | undefined): event is HostEvent {
  return event !== undefined && Object.hasOwn(HOST_EVENT_TYPES, event.type);
}
