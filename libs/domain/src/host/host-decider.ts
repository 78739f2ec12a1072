import type { HostEvent, HostRetiredReason } from '../events/host-events';
import type { HostSpec } from '../jobs-file/model';
import { type CommandMetadata, eventMetadata } from '../job/command-metadata';
import { unreachable } from '../job/job-state';
import { decideSightings, evolveReported, type RecordContainerSightings, type ReportedContainers } from './unexpected-containers';

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

export type HostCommand = RecordHostProbe | DeclareHost | RetireHost | RecordContainerSightings;

export interface HostState {
  /** Where the host is, as last declared; absent before the first declaration and once retired. */
  readonly declared?: HostSpec;
  /** Unknown until the first probe is recorded. */
  readonly reachable?: boolean;
  /** Unexpected containers reported and not yet gone; absent until the first is. */
  readonly unexpected?: ReportedContainers;
}

export function initialHostState(): HostState {
  return {};
}

export function evolveHost(state: HostState, event: HostEvent): HostState {
  switch (event.type) {
    case 'HostDeclared': {
      const { host, endpoint, address, tls, sshHostKey } = event.data;
      return { ...state, declared: { name: host, endpoint, address, ...(tls && { tls }), ...(sshHostKey !== undefined && { sshHostKey }) } };
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
  return [{ type: 'HostRetired', schemaVersion: 1, data: { host, reason, last: { endpoint, address } }, metadata: eventMetadata(command.metadata) }];
}

/** Records transitions only: a host probed every few seconds must not write an event each time. */
function recordProbe(command: RecordHostProbe, state: HostState): readonly HostEvent[] {
  const { host, endpoint, reachable, engineVersion, error } = command.data;
  if (state.reachable === reachable) return [];
  const metadata = eventMetadata(command.metadata);
  return reachable
    ? [{ type: 'HostReachable', schemaVersion: 1, data: { host, endpoint, ...(engineVersion !== undefined && { engineVersion }) }, metadata }]
    : [{ type: 'HostUnreachable', schemaVersion: 1, data: { host, endpoint, error: error ?? 'no answer' }, metadata }];
}
