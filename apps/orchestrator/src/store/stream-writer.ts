import { Logger } from '@nestjs/common';
import { StreamNotFoundError, WrongExpectedVersionError, type EventData, type EventStore, type RecordedEvent } from '@cj/event-store';
import type { Metrics } from '../metrics/metrics';

/** An append that conflicted this many times in a row is reported instead of retried. */
const MAX_ATTEMPTS = 5;

export interface LoadedStream {
  readonly records: readonly RecordedEvent[];
  /** The stream's last revision, or 'no_stream'. */
  readonly expected: bigint | 'no_stream';
}

export interface Appended {
  readonly events: number;
  /** Global position of the last event written (undefined when nothing was written). */
  readonly position?: bigint;
}

export class StreamContentionError extends Error {
  override readonly name = 'StreamContentionError';
  constructor(readonly streamId: string) {
    super(`stream ${streamId} kept changing while a command was decided; try again`);
  }
}

/**
 * The thin command loop: read a stream, let the caller decide on what it holds, append the
 * decision at the revision it was made on, and decide again when another writer got there first.
 */
export class StreamWriter {
  private readonly logger = new Logger('commands');

  constructor(
    private readonly store: EventStore,
    private readonly metrics: Metrics,
  ) {}

  async load(streamId: string): Promise<LoadedStream> {
    try {
      const records = await this.store.readStream(streamId);
      return { records, expected: records.length === 0 ? 'no_stream' : records[records.length - 1].revision };
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { records: [], expected: 'no_stream' };
      throw error;
    }
  }

  /** `decide` may throw to refuse; it returns the events to append (none: nothing to do). */
  async decideAndAppend(streamId: string, decide: (stream: LoadedStream) => readonly EventData[]): Promise<Appended> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const stream = await this.load(streamId);
      const events = decide(stream);
      if (events.length === 0) return { events: 0 };
      try {
        const result = await this.store.append(streamId, events, stream.expected);
        for (const event of events) this.metrics.eventsAppended.inc({ type: event.type });
        return { events: events.length, position: result.position ?? (await this.lastPosition(streamId)) };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        this.logger.warn({ msg: 'stream moved while deciding; deciding again', stream: streamId, attempt });
      }
    }
    throw new StreamContentionError(streamId);
  }

  private async lastPosition(streamId: string): Promise<bigint> {
    const [last] = await this.store.readStream(streamId, { direction: 'backwards', fromRevision: 'end', maxCount: 1 });
    return last.position;
  }
}
