import { decideSharedHost } from '../cluster/shared-hosts';
import { eventMetadata } from '../command-metadata';
import type { DomainError } from '../errors';
import { unreachable } from '../unreachable';
import type { ConfirmHost, DeclareHost, HoldHost, HostCommand, RecordHostProbe, RetireHost } from './commands';
import type { HostEvent } from './events';
import type { HostState } from './state';
import { decideSightings } from './unexpected-containers';

/**
 * The host decider: what a command means given the host's history. Returns the events to append
 * (none when the command is already in effect); nothing a host is told is refused.
 */
export function decideHost(command: HostCommand, state: HostState): readonly HostEvent[] | DomainError {
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
