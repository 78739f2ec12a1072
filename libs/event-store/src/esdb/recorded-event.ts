import type { AllStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';
import type { EventFilter, RecordedEvent } from '../port';

/**
 * Converts the client's resolved event into the port's record. Returns undefined for what the
 * port never shows: EventStoreDB's own system events (streams and types starting with `$`).
 */
export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || isSystemEvent(event.streamId, event.type)) return undefined;
  // Since EventStoreDB 20 every event is its own implicit transaction: commit == prepare position.
  const position = event.position?.commit ?? resolved.commitPosition;
  if (position === undefined) {
    throw new Error(`event ${event.id} in stream ${event.streamId} arrived without a global position`);
  }
  return {
    streamId: event.streamId,
    revision: event.revision,
    position,
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    created: event.created,
  };
}

export function isSystemEvent(streamId: string, type: string): boolean {
  return streamId.startsWith('$') || type.startsWith('$');
}

/** The port's filter, applied on the client (reads of $all cannot be filtered by the server in client 6.2). */
export function matchesFilter(event: RecordedEvent, filter: EventFilter | undefined): boolean {
  if (!filter) return true;
  const { streamPrefixes, eventTypes } = filter;
  if (streamPrefixes && !streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) return false;
  if (eventTypes && !eventTypes.includes(event.type)) return false;
  return true;
}
