import {
  accepted,
  decideHost,
  evolveHost,
  hostStream,
  initialHostState,
  isHostEvent,
  type HostCommand,
  type HostEvent,
  type HostState,
} from '@cj/domain';
import type { EventData, RecordedEvent } from '@cj/event-store';
import { fromRecorded, toEventData } from '../store/event-codec';
import type { StreamWriter } from '../store/stream-writer';

export interface RecordedHostCommands {
  /** The events appended (none when every command was already in effect). */
  readonly events: readonly HostEvent[];
  readonly position?: bigint;
}

/** The host's state from its stream; events of other aggregates marking the stream are skipped. */
export function foldHost(records: readonly RecordedEvent[]): HostState {
  return records.map(fromRecorded).filter(isHostEvent).reduce(evolveHost, initialHostState());
}

/**
 * Decides several commands on one host's stream in order (each sees the events of the ones
 * before) and appends all their events at once. Each event's id derives from its own command, so
 * commands of different looks never share one.
 */
export async function recordHostCommands(
  writer: StreamWriter,
  env: string,
  host: string,
  commands: readonly HostCommand[],
): Promise<RecordedHostCommands> {
  let events: HostEvent[] = [];
  const appended = await writer.decideAndAppend(hostStream(env, host), ({ records }) => {
    let state = foldHost(records);
    const data: EventData[] = [];
    events = [];
    for (const command of commands) {
      accepted(decideHost(command, state)).forEach((event, index) => {
        events.push(event);
        data.push(toEventData(event, command.metadata.commandId, hostStream(env, host), index));
        state = evolveHost(state, event);
      });
    }
    return data;
  });
  return appended.position === undefined ? { events: [] } : { events, position: appended.position };
}

/** One command on each of several hosts' streams, one append each; the global position of the last event written. */
export async function recordOnHosts(
  writer: StreamWriter,
  env: string,
  commands: readonly { readonly host: string; readonly command: HostCommand }[],
): Promise<bigint | undefined> {
  let position: bigint | undefined;
  for (const { host, command } of commands) {
    const recorded = await recordHostCommands(writer, env, host, [command]);
    if (recorded.position !== undefined && (position === undefined || recorded.position > position))
      position = recorded.position;
  }
  return position;
}
