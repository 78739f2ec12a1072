import {
  EventStoreDBClient,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type Filter,
  type JSONType,
  type Position,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { eventSize } from '../append-size';
import { StreamNotFoundError } from '../errors';
import {
  assertValidAppend,
  assertValidReadAll,
  assertValidReadStream,
  assertValidSubscribeToAll,
  assertValidSubscribeToStream,
  InvalidArgumentError,
} from '../validation';
import type {
  AppendResult,
  EventData,
  EventFilter,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  SubscribeToStreamOptions,
  Subscription,
  SubscriptionHandlers,
} from '../port';
import { CatchUpSubscription, type ReconnectPolicy } from './catch-up-subscription';
import { toStoreError, type OperationContext } from './client-errors';
import { EventStoreDeadlineError, InvalidConnectionStringError } from './errors';
import { isSystemEvent, matchesFilter, toRecordedEvent } from './recorded-event';

export interface EventStoreDbStoreOptions {
  /** Deadline of each append and read, in ms. Defaults to the string's `defaultDeadline`, else 10 s. */
  readonly deadlineMs?: number;
  /** Backoff between attempts to resubscribe after a dropped connection. */
  readonly reconnect?: Partial<ReconnectPolicy>;
}

const DEFAULT_DEADLINE_MS = 10_000;
const DEFAULT_RECONNECT: ReconnectPolicy = { initialDelayMs: 100, maxDelayMs: 5_000 };

/**
 * The EventStore port over EventStoreDB's gRPC client. Semantics are EventStoreDB's own; the port's
 * single global position is the commit position (equal to the prepare position for every event
 * written since EventStoreDB 20, where each append is an implicit transaction).
 */
export class EventStoreDbStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly deadlineMs: number;
  private readonly reconnect: ReconnectPolicy;
  private readonly subscriptions = new Set<Subscription>();

  constructor(connectionString: string, options: EventStoreDbStoreOptions = {}) {
    this.client = connect(connectionString);
    this.deadlineMs = options.deadlineMs ?? deadlineOf(connectionString) ?? DEFAULT_DEADLINE_MS;
    if (!(this.deadlineMs > 0)) {
      throw new InvalidConnectionStringError(
        connectionString,
        `deadline must be a positive number of ms, got ${this.deadlineMs}`,
      );
    }
    this.reconnect = { ...DEFAULT_RECONNECT, ...options.reconnect };
  }

  async append(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult> {
    assertValidAppend(streamId, events, expected);
    const proposed = events.map((event, index) => toProposedEvent(event, index));
    const append = { eventCount: events.length, size: events.reduce((total, event) => total + sizeOf(event), 0) };
    const context = { operation: `append to ${streamId}`, streamId, expected, deadlineMs: this.deadlineMs, append };
    try {
      const result = await this.client.appendToStream(streamId, proposed, {
        expectedRevision: expected,
        deadline: this.deadlineMs,
      });
      // The wire reports "no stream" after an empty append as revision 0: ask the stream instead.
      const nextExpectedRevision =
        events.length === 0 ? await this.headRevision(streamId) : result.nextExpectedRevision;
      return { nextExpectedRevision, position: result.position?.commit };
    } catch (error) {
      throw toStoreError(error, context);
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertValidReadStream(streamId, options);
    const direction = options.direction ?? 'forwards';
    const read = this.client.readStream(streamId, {
      direction,
      fromRevision: options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end'),
      maxCount: options.maxCount,
    });
    return this.collect(
      read,
      { operation: `read of ${streamId}`, streamId, deadlineMs: this.deadlineMs },
      options.maxCount,
    );
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    assertValidReadAll(options);
    const direction = options.direction ?? 'forwards';
    const from = options.fromPosition ?? (direction === 'forwards' ? 'start' : 'end');
    // System events and the filter are dropped here, so maxCount is applied after them, not on the wire.
    const read = this.client.readAll({ direction, fromPosition: toPosition(from) });
    const filter = options.filter;
    return this.collect(read, { operation: 'read of $all', deadlineMs: this.deadlineMs }, options.maxCount, (event) =>
      matchesFilter(event, filter),
    );
  }

  subscribeToAll(options: SubscribeToAllOptions, handlers: SubscriptionHandlers): Subscription {
    assertValidSubscribeToAll(options);
    const filter = options.filter;
    const serverFilter = toServerFilter(filter);
    return this.track(
      new CatchUpSubscription(
        {
          description: 'subscription to $all',
          open: (after, onCheckpoint) =>
            this.client.subscribeToAll({
              fromPosition: toPosition(after),
              filter: serverFilter && {
                ...serverFilter,
                checkpointReached: (_subscription, position) => onCheckpoint(position.commit),
              },
            }),
          head: async () => (await this.readRawAll('backwards', 'end'))?.commitPosition,
          keyOf: (resolved) => resolved.event?.position?.commit ?? resolved.commitPosition,
          accept: (resolved) => {
            const event = toRecordedEvent(resolved);
            return event && matchesFilter(event, filter) ? event : undefined;
          },
        },
        options.fromPosition ?? 'start',
        handlers,
        this.reconnect,
      ),
    );
  }

  subscribeToStream(streamId: string, options: SubscribeToStreamOptions, handlers: SubscriptionHandlers): Subscription {
    assertValidSubscribeToStream(streamId, options);
    return this.track(
      new CatchUpSubscription(
        {
          description: `subscription to ${streamId}`,
          open: (after) => this.client.subscribeToStream(streamId, { fromRevision: after }),
          head: async () => {
            const revision = await this.headRevision(streamId);
            return revision < 0n ? undefined : revision;
          },
          keyOf: (resolved) => resolved.event?.revision,
          accept: (resolved) => toRecordedEvent(resolved),
        },
        options.fromRevision ?? 'start',
        handlers,
        this.reconnect,
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  /** Revision of the stream's last event, or -1n when it has none. */
  private async headRevision(streamId: string): Promise<bigint> {
    try {
      const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      return last ? last.revision : -1n;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return -1n;
      throw error;
    }
  }

  /** The newest raw event of $all, system events included (they also move the log forward). */
  private async readRawAll(
    direction: 'forwards' | 'backwards',
    from: 'start' | 'end',
  ): Promise<AllStreamResolvedEvent | undefined> {
    const read = this.client.readAll({ direction, fromPosition: from, maxCount: 1 });
    const context = { operation: 'read of the head of $all', deadlineMs: this.deadlineMs };
    let newest: AllStreamResolvedEvent | undefined;
    await this.drain(read, context, (resolved) => {
      newest = resolved;
      return false;
    });
    return newest;
  }

  private async collect(
    read: StreamingRead<ResolvedEvent | AllStreamResolvedEvent>,
    context: OperationContext,
    maxCount = Number.POSITIVE_INFINITY,
    keep: (event: RecordedEvent) => boolean = () => true,
  ): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    if (maxCount <= 0) {
      await read.cancel();
      return events;
    }
    await this.drain(read, context, (resolved) => {
      const event = toRecordedEvent(resolved);
      if (event && keep(event)) events.push(event);
      return events.length < maxCount;
    });
    return events;
  }

  /**
   * Iterates a read until `take` returns false or the read ends, under the deadline. The client
   * gives reads no deadline of their own (it streams them with an infinite one), so it is kept here.
   * A read that is no longer wanted is cancelled and drained, never abandoned: an abandoned gRPC
   * stream stays paused and open, and the client's dispose() would wait for it forever.
   */
  private async drain<E>(read: StreamingRead<E>, context: OperationContext, take: (item: E) => boolean): Promise<void> {
    let timedOut = false;
    let taking = true;
    const timer = setTimeout(() => {
      timedOut = true;
      void read.cancel();
    }, context.deadlineMs);
    try {
      for await (const item of read as AsyncIterable<E>) {
        if (taking && !timedOut && !take(item)) {
          taking = false;
          await read.cancel();
        }
      }
    } catch (error) {
      if (!timedOut) throw toStoreError(error, context);
    } finally {
      clearTimeout(timer);
    }
    if (timedOut) throw new EventStoreDeadlineError(context.operation, context.deadlineMs);
  }

  private track(subscription: CatchUpSubscription): Subscription {
    this.subscriptions.add(subscription);
    return {
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }
}

function connect(connectionString: string): EventStoreDBClient {
  if (/[?&]throwOnAppendFailure=false(&|$)/i.test(connectionString)) {
    // With it off, client 6.2.1 reports a wrong nextExpectedRevision for failed batch appends.
    throw new InvalidConnectionStringError(connectionString, 'throwOnAppendFailure=false is not supported; remove it');
  }
  try {
    return EventStoreDBClient.connectionString(connectionString);
  } catch (error) {
    throw new InvalidConnectionStringError(connectionString, error instanceof Error ? error.message : String(error));
  }
}

function deadlineOf(connectionString: string): number | undefined {
  const match = /[?&]defaultDeadline=(\d+)/i.exec(connectionString);
  return match ? Number(match[1]) : undefined;
}

function toProposedEvent(event: EventData, index: number) {
  if (isSystemEvent('', event.type)) {
    throw new InvalidArgumentError(
      `events[${index}].type`,
      `must not start with "$", which EventStoreDB reserves for system events, got "${event.type}"`,
    );
  }
  return jsonEvent({
    id: event.id,
    type: event.type,
    data: event.data as JSONType,
    metadata: event.metadata as JSONType | undefined,
  });
}

/** What an event counts toward EventStoreDB's maximum append size: type, data and metadata as the client sends them. */
function sizeOf(event: EventData): number {
  return eventSize(
    event.type,
    JSON.stringify(event.data),
    event.metadata === undefined ? undefined : JSON.stringify(event.metadata),
  );
}

/** The port's single position as EventStoreDB's pair: commit and prepare are equal for every event. */
function toPosition(from: bigint | 'start' | 'end'): Position | 'start' | 'end' {
  return typeof from === 'bigint' ? { commit: from, prepare: from } : from;
}

/**
 * The server filters on stream names or on event types, not both: prefixes go to the server when
 * given (they are what cj subscribes by), event types otherwise; the rest is filtered on arrival.
 */
function toServerFilter(filter: EventFilter | undefined): Filter | undefined {
  if (filter?.streamPrefixes?.length) return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  if (filter?.eventTypes?.length) {
    return eventTypeFilter({ regex: `^(?:${filter.eventTypes.map(escapeRegex).join('|')})$` });
  }
  return undefined;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
