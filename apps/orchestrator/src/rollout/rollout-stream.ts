/**
 * A rollout's stream in the event store: read and fold it, append to it at an expected revision.
 * Event ids derive from the stream, the position and the content, so an append retried after a
 * lost acknowledgement writes nothing twice (store contract, item 4).
 */
import { StreamNotFoundError, type EventStore, type RecordedEvent } from '@cj/event-store';
import { evolveRollout, initialRolloutState, rolloutStreamId, type RolloutEvent, type RolloutState } from '@cj/domain';
import { rolloutEventOf } from '../store/event-codec';
import { v5 as uuidv5 } from 'uuid';

const EVENT_ID_NAMESPACE = '3f1c6a52-6f1e-4b8e-9a39-1b7d3f0c2a10';

export interface EventMetadata {
  readonly actor: string;
  readonly reason?: string;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly occurredAt: string;
  readonly cjVersion: string;
}

export interface LoadedRollout {
  readonly state: RolloutState;
  /** Revision of the stream's last event; -1n when the stream does not exist. */
  readonly revision: bigint;
}

export interface RolloutAppended {
  readonly revision: bigint;
  /** Absent when nothing was written, or when the store does not report it. */
  readonly position?: bigint;
}

export class RolloutStream {
  readonly streamId: string;

  constructor(
    private readonly store: EventStore,
    readonly env: string,
    readonly id: string,
  ) {
    this.streamId = rolloutStreamId(env, id);
  }

  async load(): Promise<LoadedRollout> {
    let recorded: RecordedEvent[];
    try {
      recorded = await this.store.readStream(this.streamId);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { state: initialRolloutState(), revision: -1n };
      throw error;
    }
    const state = recorded
      .map(rolloutEventOf)
      .reduce((s, event) => (event ? evolveRollout(s, event) : s), initialRolloutState());
    return { state, revision: recorded.length === 0 ? -1n : recorded[recorded.length - 1].revision };
  }

  /**
   * Appends after `revision` (throws WrongExpectedVersionError when the stream moved); returns the
   * stream's new revision and the global position of the last event written.
   */
  async append(events: readonly RolloutEvent[], revision: bigint, metadata: EventMetadata): Promise<RolloutAppended> {
    if (events.length === 0) return { revision };
    const data = events.map((event, i) => ({
      id: uuidv5(`${this.streamId}@${revision + 1n + BigInt(i)}:${JSON.stringify(event)}`, EVENT_ID_NAMESPACE),
      type: event.type,
      data: event,
      metadata,
    }));
    const result = await this.store.append(this.streamId, data, revision < 0n ? 'no_stream' : revision);
    return {
      revision: result.nextExpectedRevision,
      ...(result.position !== undefined && { position: result.position }),
    };
  }
}
