import { createHash } from 'node:crypto';
import type {
  AppendResult,
  EventData,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeToAllOptions,
  SubscribeToStreamOptions,
  Subscription,
  SubscriptionHandlers,
} from '@cj/event-store';
import { StreamNotFoundError } from '@cj/event-store';

/** Where each event's link in its stream's hash chain is kept: `metadata.chain`. */
export interface ChainLink {
  /** The hash of the stream's previous event ('' for its first). */
  readonly prev: string;
  /** sha256 over `prev`, the stream, the revision, the id, the type, the data and the rest of the metadata. */
  readonly hash: string;
}

/** JSON with keys sorted at every level, so the same content always hashes the same. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

function withoutChain(metadata: unknown): unknown {
  if (metadata === null || typeof metadata !== 'object') return metadata ?? null;
  const { chain: _chain, ...rest } = metadata as Record<string, unknown>;
  return rest;
}

/** The hash of one event, chained to its stream's previous one. */
export function linkHash(
  prev: string,
  stream: string,
  revision: bigint,
  event: { id: string; type: string; data: unknown; metadata: unknown },
): string {
  return createHash('sha256')
    .update(
      [
        prev,
        stream,
        String(revision),
        event.id,
        event.type,
        canonical(event.data ?? null),
        canonical(withoutChain(event.metadata)),
      ].join('\n'),
    )
    .digest('hex');
}

export const chainOf = (event: { metadata: unknown }): ChainLink | undefined => {
  const chain = (event.metadata as { chain?: ChainLink } | null | undefined)?.chain;
  return chain && typeof chain.hash === 'string' && typeof chain.prev === 'string' ? chain : undefined;
};

/**
 * The event store with every appended event chained to its stream's previous one: its metadata
 * carries `chain: { prev, hash }`, so an altered, deleted or reordered event breaks the chain at
 * the place it happened (`verifyChains`). Reads pass through unchanged. The previous hash is read
 * before the append at the revision the append expects; an append with `any` to a stream other
 * writers append to at the same moment could chain onto an event that is no longer the last, which
 * verification would report: cj's writers append at exact revisions.
 */
export class ChainedEventStore implements EventStore {
  /** Present when the inner store writes several streams in one transaction (the embedded store). */
  readonly appendToStreams?: (parts: readonly StreamAppend[]) => Promise<AppendResult[]>;

  constructor(readonly inner: EventStore) {
    const appendToStreams = inner.appendToStreams?.bind(inner);
    if (appendToStreams) {
      this.appendToStreams = async (parts) =>
        appendToStreams(
          await Promise.all(
            parts.map(async (part) => ({
              ...part,
              events: await this.chained(part.streamId, part.events, part.expected),
            })),
          ),
        );
    }
  }

  async append(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.inner.append(streamId, await this.chained(streamId, events, expected), expected);
  }

  /** The events with their links, each chained to the one before it, the first to the stream's last. */
  private async chained(
    streamId: string,
    events: readonly EventData[],
    expected: ExpectedRevision,
  ): Promise<readonly EventData[]> {
    if (events.length === 0) return events;
    const last = expected === 'no_stream' ? undefined : await this.last(streamId, expected);
    let prev = last ? (chainOf(last)?.hash ?? '') : '';
    let revision = last ? last.revision : -1n;
    return events.map((event) => {
      revision += 1n;
      const metadata = { ...((event.metadata as Record<string, unknown> | undefined) ?? {}) };
      delete metadata['chain'];
      const hash = linkHash(prev, streamId, revision, {
        id: event.id,
        type: event.type,
        data: JSON.parse(JSON.stringify(event.data ?? null)),
        metadata: JSON.parse(JSON.stringify(metadata)),
      });
      const link: ChainLink = { prev, hash };
      prev = hash;
      return { ...event, metadata: { ...metadata, chain: link } };
    });
  }

  private async last(streamId: string, expected: ExpectedRevision): Promise<RecordedEvent | undefined> {
    try {
      const fromRevision = typeof expected === 'bigint' ? expected : 'end';
      const [event] = await this.inner.readStream(streamId, { direction: 'backwards', fromRevision, maxCount: 1 });
      return event;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  subscribeToAll(options: SubscribeToAllOptions, handlers: SubscriptionHandlers): Subscription {
    return this.inner.subscribeToAll(options, handlers);
  }

  subscribeToStream(streamId: string, options: SubscribeToStreamOptions, handlers: SubscriptionHandlers): Subscription {
    return this.inner.subscribeToStream(streamId, options, handlers);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export type ChainProblemKind = 'altered' | 'missing-revision' | 'broken-link' | 'unchained';

export interface ChainProblem {
  readonly kind: ChainProblemKind;
  readonly stream: string;
  readonly revision: string;
  readonly position: string;
  readonly message: string;
}

export interface ChainReport {
  readonly streams: number;
  readonly events: number;
  /** Events written before the log was chained (no link, and none before them in their stream). */
  readonly unchained: number;
  /** The first problem of each stream that has one, in log order. */
  readonly problems: readonly ChainProblem[];
}

interface StreamCursor {
  next: bigint;
  prev: string;
  chained: boolean;
  broken: boolean;
}

const PAGE = 5000;

/**
 * Checks every stream under `prefix` from the start of the log: revisions contiguous from 0, each
 * link's `prev` the previous event's hash, each hash the event's content. Names the first broken
 * link of each stream: an event altered, a revision missing (a deleted event), a link that does
 * not follow (reordered or deleted events).
 */
export async function verifyChains(store: EventStore, prefix: string): Promise<ChainReport> {
  const streams = new Map<string, StreamCursor>();
  const problems: ChainProblem[] = [];
  let events = 0;
  let unchained = 0;
  let from: bigint | 'start' = 'start';
  for (;;) {
    const page = await store.readAll({ fromPosition: from, maxCount: PAGE, filter: { streamPrefixes: [prefix] } });
    for (const event of page) {
      events++;
      let cursor = streams.get(event.streamId);
      if (!cursor) streams.set(event.streamId, (cursor = { next: 0n, prev: '', chained: false, broken: false }));
      if (cursor.broken) continue;
      const where = `${event.streamId}@${event.revision} (position ${event.position}, ${event.type})`;
      const fail = (kind: ChainProblemKind, message: string) => {
        cursor.broken = true;
        problems.push({
          kind,
          stream: event.streamId,
          revision: String(event.revision),
          position: String(event.position),
          message,
        });
      };
      if (event.revision !== cursor.next) {
        fail(
          'missing-revision',
          event.revision > cursor.next
            ? `${event.streamId}: revision${event.revision - cursor.next > 1n ? `s ${cursor.next}–${event.revision - 1n} are` : ` ${cursor.next} is`} missing (next found: ${where})`
            : `${event.streamId}: revision ${event.revision} comes again or out of order at ${where}`,
        );
        continue;
      }
      cursor.next = event.revision + 1n;
      const link = chainOf(event);
      if (!link) {
        if (cursor.chained)
          fail('unchained', `${where} carries no hash though earlier events of its stream do: it was rewritten`);
        else unchained++;
        continue;
      }
      if (link.prev !== cursor.prev) {
        fail(
          'broken-link',
          `${where} does not follow the previous event of its stream (its link names another): events were deleted, moved or rewritten`,
        );
        continue;
      }
      const hash = linkHash(link.prev, event.streamId, event.revision, event);
      if (hash !== link.hash) {
        fail('altered', `${where} was altered after it was recorded: its content no longer matches its hash`);
        continue;
      }
      cursor.prev = hash;
      cursor.chained = true;
    }
    if (page.length < PAGE) break;
    from = page[page.length - 1].position + 1n;
  }
  return { streams: streams.size, events, unchained, problems };
}
