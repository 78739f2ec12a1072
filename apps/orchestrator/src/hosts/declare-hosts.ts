import { decideHost, evolveHost, hostStream, initialHostState, isHostEvent, type HostSpec, type HostState } from '@cj/domain';
import type { RecordedEvent } from '@cj/event-store';
import type { CommandContext } from '../commands/command-context';
import { fromRecorded, toEventData } from '../store/event-codec';
import type { StreamWriter } from '../store/stream-writer';

/** The host's state from its stream; events of other aggregates marking the stream are skipped. */
export function foldHost(records: readonly RecordedEvent[]): HostState {
  return records.map(fromRecorded).filter(isHostEvent).reduce(evolveHost, initialHostState());
}

/**
 * Records where each host is (only hosts that are new or moved get an event), so that `up` and
 * rollouts know every task's engine. Returns the global position of the last event written.
 */
export async function declareHosts(writer: StreamWriter, env: string, hosts: readonly HostSpec[], context: CommandContext): Promise<bigint | undefined> {
  let position: bigint | undefined;
  for (const host of hosts) {
    const appended = await writer.decideAndAppend(hostStream(env, host.name), ({ records }) =>
      decideHost({ type: 'DeclareHost', data: host, metadata: context }, foldHost(records)).map((event, index) =>
        toEventData(event, context.commandId, index),
      ),
    );
    if (appended.position !== undefined && (position === undefined || appended.position > position)) position = appended.position;
  }
  return position;
}
