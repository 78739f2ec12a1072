import type { EventData, RecordedEvent } from '@cj/event-store';
import {
  eventId,
  isDomainEventType,
  isRolloutEventType,
  upcast,
  upcastRolloutEvent,
  type DomainEvent,
  type EventMetadata,
  type RolloutEvent,
} from '@cj/domain';

/** Stored metadata: the event's metadata plus the schema version its data was written with. */
export interface StoredMetadata extends EventMetadata {
  readonly schemaVersion: number;
}

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
  if (!isDomainEventType(record.type)) return undefined;
  const metadata = record.metadata as StoredMetadata;
  return upcast({ type: record.type, schemaVersion: metadata.schemaVersion, data: record.data, metadata });
}

/**
 * The rollout event a record of a rollout stream holds (its data is the whole flat event), brought
 * to the current schema; undefined for a type that is not a rollout's.
 */
export function rolloutEventOf(record: RecordedEvent): RolloutEvent | undefined {
  return isRolloutEventType(record.type) ? upcastRolloutEvent(record) : undefined;
}
