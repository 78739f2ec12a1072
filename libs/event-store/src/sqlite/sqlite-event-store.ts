import Database from 'better-sqlite3';
import { DEFAULT_MAX_APPEND_SIZE, eventSize } from '../append-size';
import { MaximumAppendSizeExceededError, WrongExpectedVersionError, StreamNotFoundError } from '../errors';
import type {
  AppendResult,
  EventData,
  EventStore,
  ExpectedRevision,
  StreamAppend,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  SubscribeToStreamOptions,
  Subscription,
  SubscriptionHandlers,
} from '../port';
import {
  InvalidArgumentError,
  assertValidAppend,
  assertValidReadAll,
  assertValidReadStream,
  assertValidSubscribeToAll,
  assertValidSubscribeToStream,
  toJson,
} from '../validation';
import { CatchUpSubscription } from './catch-up-subscription';
import { ChangeFeed } from './change-feed';
import { DuplicateEventIdError, EventStoreClosedError } from './errors';
import { EventLog, type PendingEvent } from './event-log';
import { prepareEventLog, type DurabilitySettings } from './schema';
import { assertWritableLocation, sqliteCode, translateSqliteFailure } from './sqlite-failure';

export interface SqliteEventStoreOptions {
  /** How often to look for appends made by other processes, in ms (default 50). */
  readonly pollIntervalMs?: number;
  /** How long an append waits for another process's write lock, in ms (default 5000). */
  readonly busyTimeoutMs?: number;
  /** The clock that stamps `created` on each event (default: the system clock). */
  readonly now?: () => Date;
  /**
   * The most bytes one append may write (type, data and metadata of its events, UTF-8), as
   * EventStoreDB's `MaxAppendSize`; default 1 MiB. A larger append fails with
   * MaximumAppendSizeExceededError and writes nothing.
   */
  readonly maxAppendSize?: number;
}

/** What an append decided inside its transaction. */
interface AppendOutcome {
  readonly result: AppendResult;
  readonly wrote: boolean;
}

/** SQLite's largest integer: where a backwards read from 'end' starts. */
const LAST = 9223372036854775807n;

/**
 * Opens (or creates) the event log at `file`. Several processes may open the same file: SQLite
 * serialises their appends, and each store notices the others' appends by polling.
 */
export function openSqliteEventStore(file: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
  const { busyTimeoutMs = 5000, pollIntervalMs = 50, maxAppendSize = DEFAULT_MAX_APPEND_SIZE } = options;
  assertPositiveWhole(busyTimeoutMs, 'busyTimeoutMs');
  assertPositiveWhole(pollIntervalMs, 'pollIntervalMs');
  if (maxAppendSize !== Infinity && !(Number.isSafeInteger(maxAppendSize) && maxAppendSize > 0)) {
    throw new InvalidArgumentError(
      'maxAppendSize',
      `must be a whole number of bytes above 0 (or Infinity), got ${String(maxAppendSize)}`,
    );
  }
  assertWritableLocation(file);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { timeout: busyTimeoutMs });
    const settings = prepareEventLog(db, file);
    return new SqliteEventStore(db, file, settings, options);
  } catch (error) {
    db?.close();
    throw translateSqliteFailure(error, file, busyTimeoutMs);
  }
}

export class SqliteEventStore implements EventStore {
  private readonly log: EventLog;
  private readonly feed: ChangeFeed;
  private readonly subscriptions = new Set<Subscription>();
  private readonly now: () => Date;
  private readonly maxAppendSize: number;
  private closing: Promise<void> | undefined;

  /** Use openSqliteEventStore. */
  constructor(
    private readonly db: Database.Database,
    readonly file: string,
    /** The durability pragmas as SQLite reports them after opening. */
    readonly settings: DurabilitySettings,
    options: SqliteEventStoreOptions,
  ) {
    this.log = new EventLog(db);
    this.feed = new ChangeFeed(
      () => db.pragma('data_version', { simple: true }) as number,
      options.pollIntervalMs ?? 50,
    );
    this.now = options.now ?? (() => new Date());
    this.maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
  }

  async append(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    assertValidAppend(streamId, events, expected);
    const pending: PendingEvent[] = events.map((event, index) => ({
      id: event.id.toLowerCase(),
      type: event.type,
      data: toJson(event.data, `events[${index}].data`),
      metadata: event.metadata === undefined ? null : toJson(event.metadata, `events[${index}].metadata`),
    }));
    const size = pending.reduce((total, event) => total + eventSize(event.type, event.data, event.metadata), 0);
    if (size > this.maxAppendSize)
      throw new MaximumAppendSizeExceededError(streamId, this.maxAppendSize, size, pending.length);
    const created = this.now().getTime();
    const outcome = this.guard(() => this.log.writing(() => this.appendLocked(streamId, pending, expected, created)));
    if (outcome.wrote) this.feed.notify();
    return outcome.result;
  }

  async appendToStreams(parts: readonly StreamAppend[]): Promise<AppendResult[]> {
    this.assertOpen();
    const pendingParts = parts.map(({ streamId, events, expected }) => {
      assertValidAppend(streamId, events, expected);
      const pending: PendingEvent[] = events.map((event, index) => ({
        id: event.id.toLowerCase(),
        type: event.type,
        data: toJson(event.data, `${streamId} events[${index}].data`),
        metadata: event.metadata === undefined ? null : toJson(event.metadata, `${streamId} events[${index}].metadata`),
      }));
      // Each stream's part is one append as EventStoreDB counts it: the same limit holds for each.
      const size = pending.reduce((total, event) => total + eventSize(event.type, event.data, event.metadata), 0);
      if (size > this.maxAppendSize)
        throw new MaximumAppendSizeExceededError(streamId, this.maxAppendSize, size, pending.length);
      return { streamId, pending, expected };
    });
    const created = this.now().getTime();
    const outcomes = this.guard(() =>
      this.log.writing(() =>
        pendingParts.map(({ streamId, pending, expected }) => this.appendLocked(streamId, pending, expected, created)),
      ),
    );
    if (outcomes.some((outcome) => outcome.wrote)) this.feed.notify();
    return outcomes.map((outcome) => outcome.result);
  }

  /**
   * A small write beside the log, never an event: it throws what an append would (the disk is
   * full, the file became read-only) when the store cannot take writes now. One page: on a full
   * disk any write that needs a new page of the write-ahead log fails, the smallest as an append.
   */
  async checkWritable(): Promise<void> {
    this.assertOpen();
    this.guard(() =>
      this.log.writing(() => {
        this.db.exec(
          'CREATE TABLE IF NOT EXISTS write_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL)',
        );
        this.db
          .prepare('INSERT INTO write_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at')
          .run(this.now().getTime());
      }),
    );
  }

  /**
   * A consistent copy of the whole log, made with SQLite's online backup through this connection:
   * it includes what is still in the WAL and runs beside appends. A copy of the file alone does not.
   */
  async backup(destination: string): Promise<void> {
    this.assertOpen();
    await this.db.backup(destination);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertValidReadStream(streamId, options);
    const direction = options.direction ?? 'forwards';
    const from = resolveStart(options.fromRevision, direction);
    return this.guard(() => {
      const events = this.log.readStream(streamId, direction, from, options.maxCount);
      if (events.length === 0 && this.log.lastRevision(streamId) === -1n) throw new StreamNotFoundError(streamId);
      return events;
    });
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertValidReadAll(options);
    const direction = options.direction ?? 'forwards';
    const from = resolveStart(options.fromPosition, direction);
    return this.guard(() => this.log.readAll(direction, from, options.maxCount, options.filter));
  }

  subscribeToAll(options: SubscribeToAllOptions, handlers: SubscriptionHandlers): Subscription {
    this.assertOpen();
    assertValidSubscribeToAll(options);
    const { fromPosition = 'start', filter } = options;
    const start = this.guard(() => exclusiveStart(fromPosition, () => this.log.lastPosition()));
    return this.track(
      new CatchUpSubscription(
        {
          readAfter: (checkpoint, maxCount) => this.log.readAllAfter(checkpoint, maxCount, filter),
          checkpointOf: (event) => event.position,
        },
        start,
        handlers,
        this.feed,
        (error) => this.translate(error),
      ),
    );
  }

  subscribeToStream(streamId: string, options: SubscribeToStreamOptions, handlers: SubscriptionHandlers): Subscription {
    this.assertOpen();
    assertValidSubscribeToStream(streamId, options);
    const { fromRevision = 'start' } = options;
    const start = this.guard(() => exclusiveStart(fromRevision, () => this.log.lastRevision(streamId), -1n));
    return this.track(
      new CatchUpSubscription(
        {
          readAfter: (checkpoint, maxCount) => this.log.readStreamAfter(streamId, checkpoint, maxCount),
          checkpointOf: (event) => event.revision,
        },
        start,
        handlers,
        this.feed,
        (error) => this.translate(error),
      ),
    );
  }

  /** Stops every subscription, waits for running handlers, then closes the file. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
      this.feed.stop();
      this.db.close();
    })();
    return this.closing;
  }

  private appendLocked(
    streamId: string,
    events: readonly PendingEvent[],
    expected: ExpectedRevision,
    created: number,
  ): AppendOutcome {
    const current = this.log.lastRevision(streamId);
    const retried = this.earlierAppend(streamId, events, expected, current);
    if (retried !== undefined) return { result: retried, wrote: false };
    if (!satisfies(expected, current)) {
      throw new WrongExpectedVersionError(streamId, expected, current === -1n ? 'no_stream' : current);
    }
    if (events.length === 0) return { result: { nextExpectedRevision: current }, wrote: false };
    let position = 0n;
    let revision = current;
    for (const event of events) {
      revision += 1n;
      position = this.insert(streamId, revision, event, created);
    }
    return { result: { nextExpectedRevision: revision, position }, wrote: true };
  }

  /**
   * An idempotent retry: the stream already holds these ids, position by position, where the
   * append would have put them (after the expected revision, or after the first id's revision for
   * `any` and `stream_exists`). Returns the original result; a partial match is a conflict.
   */
  private earlierAppend(
    streamId: string,
    events: readonly PendingEvent[],
    expected: ExpectedRevision,
    current: bigint,
  ): AppendResult | undefined {
    if (events.length === 0) return undefined;
    let from: bigint;
    if (expected === 'any' || expected === 'stream_exists') {
      const first = this.log.findId(streamId, events[0].id);
      if (first === undefined) return undefined;
      from = first.revision;
    } else {
      from = expected === 'no_stream' ? 0n : expected + 1n;
      if (current < from) return undefined;
    }
    const stored = this.log.idsFrom(streamId, from, events.length);
    if (stored[0]?.id !== events[0].id) return undefined;
    const matches = stored.length === events.length && stored.every((row, index) => row.id === events[index].id);
    if (!matches) throw new WrongExpectedVersionError(streamId, expected, current === -1n ? 'no_stream' : current);
    const last = stored[stored.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  private insert(streamId: string, revision: bigint, event: PendingEvent, created: number): bigint {
    try {
      return this.log.insert(streamId, revision, event, created);
    } catch (error) {
      if (sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE') {
        const holder = this.log.findId(streamId, event.id);
        if (holder !== undefined) throw new DuplicateEventIdError(streamId, event.id, holder.revision);
      }
      throw error;
    }
  }

  private track(subscription: CatchUpSubscription): Subscription {
    this.subscriptions.add(subscription);
    void subscription.ended.then(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw this.translate(error);
    }
  }

  private translate(error: unknown): unknown {
    return translateSqliteFailure(error, this.file, this.settings.busyTimeoutMs);
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new EventStoreClosedError(this.file);
  }
}

function assertPositiveWhole(value: number, option: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(option, `must be a whole number of milliseconds above 0, got ${String(value)}`);
  }
}

function satisfies(expected: ExpectedRevision, current: bigint): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === -1n;
    case 'stream_exists':
      return current >= 0n;
    default:
      return current === expected;
  }
}

function resolveStart(start: bigint | 'start' | 'end' | undefined, direction: 'forwards' | 'backwards'): bigint {
  if (typeof start === 'bigint') return start;
  const fromStart = start === 'start' || (start === undefined && direction === 'forwards');
  return fromStart ? 0n : LAST;
}

/** The checkpoint a catch-up subscription starts after. */
function exclusiveStart(start: bigint | 'start' | 'end', last: () => bigint, beforeFirst = 0n): bigint {
  if (start === 'start') return beforeFirst;
  return start === 'end' ? last() : start;
}
