import type { HostEvent } from '../events/host-events';
import { type CommandMetadata, eventMetadata } from '../job/command-metadata';
import { unreachable } from '../job/job-state';

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

export type HostCommand = RecordHostProbe;

export interface HostState {
  /** Unknown until the first probe is recorded. */
  readonly reachable?: boolean;
}

export function initialHostState(): HostState {
  return {};
}

export function evolveHost(state: HostState, event: HostEvent): HostState {
  switch (event.type) {
    case 'HostReachable':
      return { ...state, reachable: true };
    case 'HostUnreachable':
      return { ...state, reachable: false };
    default:
      return unreachable(event);
  }
}

/** Records transitions only: a host probed every few seconds must not write an event each time. */
export function decideHost(command: HostCommand, state: HostState): readonly HostEvent[] {
  const { host, endpoint, reachable, engineVersion, error } = command.data;
  if (state.reachable === reachable) return [];
  const metadata = eventMetadata(command.metadata);
  return reachable
    ? [{ type: 'HostReachable', schemaVersion: 1, data: { host, endpoint, ...(engineVersion !== undefined && { engineVersion }) }, metadata }]
    : [{ type: 'HostUnreachable', schemaVersion: 1, data: { host, endpoint, error: error ?? 'no answer' }, metadata }];
}
