import { decideHost, evolveHost, hostStream, initialHostState, isHostEvent, type HostCommand, type HostEvent } from '@cj/domain';
import type { EventData } from '@cj/event-store';
import { fromRecorded, toEventData } from '../store/event-codec';
import type { StreamWriter } from '../store/stream-writer';

export interface RecordedHostCommands {
  /** The events appended (none when every command was already in effect). */
  readonly events: readonly HostEvent[];
  readonly position?: bigint;
}

/**
 * Decides several commands on one host's stream in order (each sees the events of the ones
 * before) and appends all their events at once. Each event's id derives from its own command, so
 * commands of different looks never share one.
 */
export async function recordHostCommands(writer: StreamWriter, env: string, host: string, commands: readonly HostCommand[]): Promise<RecordedHostCommands> {
  let events: HostEvent[] = [];
  const appended = await writer.decideAndAppend(hostStream(env, host), ({ records }) => {
    let state = records.map(fromRecorded).filter(isHostEvent).reduce(evolveHost, initialHostState());
    const data: EventData[] = [];
    events = [];
    for (const command of commands) {
      decideHost(command, state).forEach((event, index) => {
        events.push(event);
        data.push(toEventData(event, command.metadata.commandId, index));
        state = evolveHost(state, event);
      });
    }
    return data;
  });
  return appended.position === undefined ? { events: [] } : { events, position: appended.position };
}
