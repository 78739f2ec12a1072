import type { HostEvent, HostRetiredReason } from '../events/host-events';
import type { StoreLocation, HostSpec } from '@cj/api';
import {
  decideSharedHost,
  evolveShared,
  type RecordForeignContainers,
  type SharedClusters,
} from '../cluster/shared-hosts';
import { type CommandMetadata, eventMetadata } from '../job/command-metadata';
import { unreachable } from '../job/job-state';
import {
  decideSightings,
  evolveReported,
  type RecordContainerSightings,
  type ReportedContainers,
} from './unexpected-containers';

/** One look at a host's Docker endpoint, as made by the orchestrator. */
export interface RecordHostProbe {
  readonly type: 'RecordHostProbe';
  readonly data: {
    readonly host: string;
    readonly endpoint: string;
    readonly reachable: boolean;
    readonly engineVersion?: string;
    readonly error?: string;
  };
  readonly metadata: CommandMetadata;
}

/** A jobs file names the host: record where it is when that is new or changed. */
export interface DeclareHost {
  readonly type: 'DeclareHost';
  readonly data: HostSpec;
  readonly metadata: CommandMetadata;
}

/**
 * The host leaves the environment. Whether it may is the retirement rule's answer
 * (`planHostRetirements`); the command only records it.
 */
export interface RetireHost {
  readonly type: 'RetireHost';
  readonly data: { readonly host: string; readonly reason: HostRetiredReason };
  readonly metadata: CommandMetadata;
}

/** The store moved (`StoreRelocated`): cj must not act on the host until it is confirmed. */
export interface HoldHost {
  readonly type: 'HoldHost';
  readonly data: { readonly host: string; readonly from: StoreLocation; readonly to: StoreLocation };
  readonly metadata: CommandMetadata;
}

/** Someone says a held host is this cluster's (`cj hosts confirm`). */
export interface ConfirmHost {
  readonly type: 'ConfirmHost';
  readonly data: { readonly host: string };
  readonly metadata: CommandMetadata;
}

export type HostCommand =
  | RecordHostProbe
  | DeclareHost
  | RetireHost
  | RecordContainerSightings
  | HoldHost
  | ConfirmHost
  | RecordForeignContainers;

export interface HostState {
  /** Where the host is, as last declared; absent before the first declaration and once retired. */
  readonly declared?: HostSpec;
  /** Unknown until the first probe is recorded. */
  readonly reachable?: boolean;
  /** Unexpected containers reported and not yet gone; absent until the first is. */
  readonly unexpected?: ReportedContainers;
  /** Held since the store moved, until confirmed: cj does not act on it. */
  readonly held?: boolean;
  /** Other clusters whose containers were seen on the host and are not gone yet. */
  readonly shared?: SharedClusters;
}

export function initialHostState(): HostState {
  return {};
}

export function evolveHost(state: HostState, event: HostEvent): HostState {
  switch (event.type) {
    case 'HostDeclared': {
      const { host, endpoint, address, tls, sshHostKey } = event.data;
      return {
        ...state,
        declared: {
          name: host,
          endpoint,
          address,
          ...(tls && { tls }),
          ...(sshHostKey !== undefined && { sshHostKey }),
        },
      };
    }
    case 'HostRetired':
      // Forgotten: if a later file names it again, it is declared, probed and looked at anew.
      return initialHostState();
    case 'HostReachable':
      return { ...state, reachable: true };
    case 'HostUnreachable':
      return { ...state, reachable: false };
    case 'UnexpectedContainerFound':
    case 'UnexpectedContainerGone':
      return { ...state, unexpected: evolveReported(state.unexpected ?? {}, event) };
    case 'HostHeld':
      return { ...state, held: true };
    case 'HostConfirmed':
      return { ...state, held: false };
    case 'HostSharedWithCluster':
    case 'HostNoLongerShared':
      return { ...state, shared: evolveShared(state.shared ?? {}, event) };
    default:
      return unreachable(event);
  }
}

export function decideHost(command: HostCommand, state: HostState): readonly HostEvent[] {
  switch (command.type) {
    case 'DeclareHost':
      return declare(command, state);
    case 'RetireHost':
      return retire(command, state);
    case 'RecordHostProbe':
      return recordProbe(command, state);
    case 'RecordContainerSightings':
      return decideSightings(command, state.unexpected ?? {});
    case 'HoldHost':
      return hold(command, state);
    case 'ConfirmHost':
      return confirm(command, state);
    case 'RecordForeignContainers':
      return decideSharedHost(command, state.shared ?? {});
    default:
      return unreachable(command);
  }
}

/** Re-applying the same file records nothing; a moved endpoint or address, or a newly pinned key, is one new event. */
function declare(command: DeclareHost, state: HostState): readonly HostEvent[] {
  const { name, endpoint, address, tls, sshHostKey } = command.data;
  const previous = state.declared;
  const same =
    previous !== undefined &&
    previous.endpoint === endpoint &&
    previous.address === address &&
    JSON.stringify(previous.tls ?? null) === JSON.stringify(tls ?? null) &&
    previous.sshHostKey === sshHostKey;
  if (same) return [];
  const data = { host: name, endpoint, address, ...(tls && { tls }), ...(sshHostKey !== undefined && { sshHostKey }) };
  return [{ type: 'HostDeclared', schemaVersion: 1, data, metadata: eventMetadata(command.metadata) }];
}

/** A host never declared, or already retired, records nothing: applying the same file twice is one retirement. */
function retire(command: RetireHost, state: HostState): readonly HostEvent[] {
  if (state.declared === undefined) return [];
  const { host, reason } = command.data;
  const { endpoint, address } = state.declared;
  return [
    {
      type: 'HostRetired',
      schemaVersion: 1,
      data: { host, reason, last: { endpoint, address } },
      metadata: eventMetadata(command.metadata),
    },
  ];
}

/** Records transitions only: a host probed every few seconds must not write an event each time. */
function recordProbe(command: RecordHostProbe, state: HostState): readonly HostEvent[] {
  const { host, endpoint, reachable, engineVersion, error } = command.data;
  if (state.reachable === reachable) return [];
  const metadata = eventMetadata(command.metadata);
  return reachable
    ? [
        {
          type: 'HostReachable',
          schemaVersion: 1,
          data: { host, endpoint, ...(engineVersion !== undefined && { engineVersion }) },
          metadata,
        },
      ]
    : [{ type: 'HostUnreachable', schemaVersion: 1, data: { host, endpoint, error: error ?? 'no answer' }, metadata }];
}

/** Only a declared host is held (a retired one is not the cluster's any more), and only once. */
function hold(command: HoldHost, state: HostState): readonly HostEvent[] {
  if (state.declared === undefined || state.held === true) return [];
  const { host, from, to } = command.data;
  return [
    {
      type: 'HostHeld',
      schemaVersion: 1,
      data: { host, reason: 'store-relocated', from, to },
      metadata: eventMetadata(command.metadata),
    },
  ];
}

/** Confirming a host that is not held records nothing: `cj hosts confirm --all` may be run twice. */
function confirm(command: ConfirmHost, state: HostState): readonly HostEvent[] {
  if (state.held !== true) return [];
  return [
    {
      type: 'HostConfirmed',
      schemaVersion: 1,
      data: { host: command.data.host },
      metadata: eventMetadata(command.metadata),
    },
  ];
}
