import type { EventData, RecordedEvent } from '@cj/event-store';
import { CURRENT_SCHEMA_VERSION, eventId, upcast, type DomainEvent, type EventMetadata } from '@cj/domain';

/** Stored metadata: the event's metadata plus the schema version its data was written with. */
export interface StoredMetadata extends EventMetadata {
  readonly schemaVersion: number;
}

/** The types the domain can upcast; anything else in a cj stream belongs to another aggregate. */
const KNOWN_TYPES = new Set(Object.keys(CURRENT_SCHEMA_VERSION));

/** A job or host event as the store keeps it; the id is the `index`-th its command appends to `streamId`. */
export function toEventData(event: DomainEvent, commandId: string, streamId: string, index: number): EventData {
  const metadata: StoredMetadata = { ...event.metadata, schemaVersion: event.schemaVersion };
  return { id: eventId(commandId, streamId, index), type: event.type, data: event.data, metadata };
}

/**
 * The job/host event a record holds, brought to the current schema; undefined for events of other
 * aggregates that share the stream (a rollout marks the job stream it drives).
 */
export function fromRecorded(record: RecordedEvent): DomainEvent | undefined {
  if (!KNOWN_TYPES.has(record.type)) return undefined;
  const metadata = record.metadata as StoredMetadata;
  return upcast({ type: record.type, schemaVersion: metadata.schemaVersion, data: record.data, metadata });
}
