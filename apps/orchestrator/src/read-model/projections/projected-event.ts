import type { RecordedEvent } from '@cj/event-store';
import { parseStreamName, type DomainEvent, type StreamName } from '@cj/domain';
import { fromRecorded } from '../../store/event-codec';

/** A job or host event as projections see it: upcast, with its stream's env and kind. */
export interface ProjectedEvent {
  readonly stream: StreamName;
  readonly event: DomainEvent;
  /** When it happened (the command's time), falling back to the store's commit time. */
  readonly at: string;
}

/** The stream's env, kind and id; undefined for a name under `cj.` that is not one of cj's streams. */
export function streamOf(streamId: string): StreamName | undefined {
  try {
    return parseStreamName(streamId);
  } catch {
    return undefined;
  }
}

/** The job or host event a record holds; the records of other streams (rollouts, shells) are left to their readers. */
export function projected(record: RecordedEvent): ProjectedEvent | undefined {
  const stream = streamOf(record.streamId);
  if (stream?.kind !== 'job' && stream?.kind !== 'host') return undefined;
  const event = fromRecorded(record);
  if (!event) return undefined;
  return { stream, event, at: event.metadata.occurredAt ?? record.created.toISOString() };
}
