import type { EventData, RecordedEvent } from '@cj/event-store';
import {
  eventId,
  isDomainEventType,
  isRolloutEventType,
  storedRolloutEvent,
  upcast,
  upcastRolloutEvent,
  type DomainEvent,
  type EventMetadata,
  type RolloutEvent,
} from '@cj/domain';
import { v5 as uuidv5 } from 'uuid';

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
 * A rollout event's metadata, given when it is appended: the domain's event metadata; what the
 * driver records on its own (`actor: orchestrator`) has no causing command, so no causation id.
 */
export type RolloutEventMetadata = Omit<EventMetadata, 'causationId'> & { readonly causationId?: string };

const ROLLOUT_EVENT_ID_NAMESPACE = '3f1c6a52-6f1e-4b8e-9a39-1b7d3f0c2a10';

/**
 * A rollout event as its stream stores it: the data is the flat event (`storedRolloutEvent`), the
 * metadata (given at append time) beside it. The id derives from the stream, the event's revision
 * in it and the stored data's text, so an append retried after a lost acknowledgement writes
 * nothing twice (store contract, item 4): the stored text of an event must not change.
 */
export function toRolloutEventData(
  event: RolloutEvent,
  streamId: string,
  revision: bigint,
  metadata: RolloutEventMetadata,
): EventData {
  const data = storedRolloutEvent(event);
  const id = uuidv5(`${streamId}@${revision}:${JSON.stringify(data)}`, ROLLOUT_EVENT_ID_NAMESPACE);
  return { id, type: event.type, data, metadata };
}

/**
 * The rollout event a record of a rollout stream holds (its data is the whole flat event), brought
 * to the current schema, in its envelope; undefined for a type that is not a rollout's.
 */
export function rolloutEventOf(record: RecordedEvent): RolloutEvent | undefined {
  return isRolloutEventType(record.type) ? upcastRolloutEvent(record) : undefined;
}
