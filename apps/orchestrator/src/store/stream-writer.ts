import { Logger } from '@nestjs/common';
import {
  StreamNotFoundError,
  type AppendResult,
  type EventData,
  type EventStore,
  type RecordedEvent,
} from '@cj/event-store';
import type { Metrics } from '../metrics/metrics';
import { runCommand } from './command-loop';

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

/**
 * The command loop (`runCommand`) on the streams of jobs, hosts and the store: read a stream, let
 * the caller decide on what it holds, append the decision at the revision it was made on, and
 * decide again when another writer got there first.
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

  /**
   * `decide` may throw to refuse; it returns the events to append (none: nothing to do). `known` is
   * the stream as the caller loaded it already: the first decision is made on it without reading.
   */
  async decideAndAppend(
    streamId: string,
    decide: (stream: LoadedStream) => readonly EventData[],
    known?: LoadedStream,
  ): Promise<Appended> {
    const { written } = await runCommand(streamId, {
      read: (attempt) => (attempt === 1 && known ? Promise.resolve(known) : this.load(streamId)),
      decide: (stream) => nonEmpty(decide(stream)),
      write: async (events, stream): Promise<Appended> => {
        const result = await this.store.append(streamId, events, stream.expected);
        for (const event of events) this.metrics.eventsAppended.inc({ type: event.type });
        return { events: events.length, position: result.position ?? (await this.lastPosition(streamId)) };
      },
      conflicted: (_error, attempt) =>
        this.logger.warn({ msg: 'stream moved while deciding; deciding again', stream: streamId, attempt }),
    });
    return written ?? { events: 0 };
  }

  /**
   * The same loop over several streams, written as one command: `decide` sees every stream as
   * loaded and returns each stream's events. On a store that can (the embedded one) they land in
   * one transaction, all or none; on one that cannot (EventStoreDB) each stream's part is its own
   * atomic append, in the order given, so callers put what the others depend on first.
   */
  async decideAndAppendToStreams(
    streamIds: readonly string[],
    decide: (streams: ReadonlyMap<string, LoadedStream>) => ReadonlyMap<string, readonly EventData[]>,
  ): Promise<Appended> {
    const { written } = await runCommand(streamIds.join(', '), {
      read: async () => {
        const loaded = new Map<string, LoadedStream>();
        for (const streamId of streamIds) loaded.set(streamId, await this.load(streamId));
        return loaded;
      },
      decide: (loaded) => {
        const decided = decide(loaded);
        const parts = streamIds
          .map((streamId) => ({
            streamId,
            events: decided.get(streamId) ?? [],
            expected: (loaded.get(streamId) as LoadedStream).expected,
          }))
          .filter((part) => part.events.length > 0);
        return parts.length > 0 ? parts : undefined;
      },
      write: async (parts): Promise<Appended> => {
        const results = this.store.appendToStreams
          ? await this.store.appendToStreams(parts)
          : await this.appendEach(parts);
        const events = parts.flatMap((part) => part.events);
        for (const event of events) this.metrics.eventsAppended.inc({ type: event.type });
        const positions = await Promise.all(
          results.map(async (result, i) => result.position ?? (await this.lastPosition(parts[i].streamId))),
        );
        return { events: events.length, position: positions.reduce((max, p) => (p > max ? p : max)) };
      },
      conflicted: (error, attempt) =>
        this.logger.warn({ msg: 'a stream moved while deciding; deciding again', stream: error.streamId, attempt }),
    });
    return written ?? { events: 0 };
  }

  private async appendEach(
    parts: readonly { streamId: string; events: readonly EventData[]; expected: bigint | 'no_stream' }[],
  ): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    for (const part of parts) results.push(await this.store.append(part.streamId, part.events, part.expected));
    return results;
  }

  private async lastPosition(streamId: string): Promise<bigint> {
    const [last] = await this.store.readStream(streamId, { direction: 'backwards', fromRevision: 'end', maxCount: 1 });
    return last.position;
  }
}

const nonEmpty = <T>(events: readonly T[]): readonly T[] | undefined => (events.length > 0 ? events : undefined);
