/**
 * A rollout's stream in the event store: read and fold it, and decide and append to it through the
 * command loop. Event ids derive from the stream, the position and the content, so an append
 * retried after a lost acknowledgement writes nothing twice (store contract, item 4).
 */
import { StreamNotFoundError, type EventStore, type RecordedEvent } from '@cj/event-store';
import {
  evolveRollout,
  foldRollout,
  initialRolloutState,
  rolloutStreamId,
  type RolloutEvent,
  type RolloutState,
} from '@cj/domain';
import { runCommand } from '../store/command-loop';
import { rolloutEventOf, toRolloutEventData, type RolloutEventMetadata } from '../store/event-codec';

export type { RolloutEventMetadata } from '../store/event-codec';

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

export interface RolloutDecided extends LoadedRollout {
  /** How many events were written (0: nothing to write). */
  readonly appended: number;
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
   * The command loop on this stream: `decide` on its state (none: nothing to write), append at the
   * revision decided on, and on a conflict read and decide again (bounded: StreamContentionError).
   * `known` is the stream as the caller holds it: the first decision is made on it without reading.
   * Answers the state and revision after the write, or as last read when nothing was written.
   */
  async decideAndAppend(
    decide: (loaded: LoadedRollout, attempt: number) => readonly RolloutEvent[],
    metadata: () => RolloutEventMetadata,
    known?: LoadedRollout,
  ): Promise<RolloutDecided> {
    const { loaded, decision, written } = await runCommand(this.streamId, {
      read: (attempt) => (attempt === 1 && known ? Promise.resolve(known) : this.load()),
      decide: (loaded, attempt) => {
        const events = decide(loaded, attempt);
        return events.length > 0 ? events : undefined;
      },
      write: (events, loaded) => this.append(events, loaded.revision, metadata()),
    });
    if (!decision || !written) return { ...loaded, appended: 0 };
    return {
      state: foldRollout(decision, loaded.state),
      revision: written.revision,
      appended: decision.length,
      ...(written.position !== undefined && { position: written.position }),
    };
  }

  /**
   * Appends after `revision` (throws WrongExpectedVersionError when the stream moved); returns the
   * stream's new revision and the global position of the last event written.
   */
  private async append(
    events: readonly RolloutEvent[],
    revision: bigint,
    metadata: RolloutEventMetadata,
  ): Promise<RolloutAppended> {
    const data = events.map((event, i) =>
      toRolloutEventData(event, this.streamId, revision + 1n + BigInt(i), metadata),
    );
    const result = await this.store.append(this.streamId, data, revision < 0n ? 'no_stream' : revision);
    return {
      revision: result.nextExpectedRevision,
      ...(result.position !== undefined && { position: result.position }),
    };
  }
}
