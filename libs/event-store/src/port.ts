/**
 * The EventStore port: what every store adapter (the embedded SQLite store, EventStoreDB)
 * offers, and what the shared contract suite (`contract/`) checks. The semantics follow
 * EventStoreDB's (see the store contract in the design guide).
 */

/** Expected revision of a stream when appending. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** An event as the caller hands it to `append`. `id` is the idempotency key (a UUID). */
export interface EventData {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: unknown;
}

/** An event as stored: everything the caller gave plus what the store assigned. */
export interface RecordedEvent {
  readonly streamId: string;
  /** Per-stream revision: 0, 1, 2, … contiguous. */
  readonly revision: bigint;
  /** Position in the global log: strictly increasing, not necessarily contiguous. */
  readonly position: bigint;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  /** Assigned by the store when the event was committed. */
  readonly created: Date;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append (-1n when the stream is still empty). */
  readonly nextExpectedRevision: bigint;
  /** Global position of the last event written (or of the original write on an idempotent retry). */
  readonly position?: bigint;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive start revision; 'start' / 'end' by default depending on direction. */
  readonly fromRevision?: bigint | 'start' | 'end';
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive start position. */
  readonly fromPosition?: bigint | 'start' | 'end';
  readonly maxCount?: number;
  readonly filter?: EventFilter;
}

export interface EventFilter {
  /** Stream-name prefixes (any of). */
  readonly streamPrefixes?: readonly string[];
  /** Event types (any of). */
  readonly eventTypes?: readonly string[];
}

export interface SubscribeToAllOptions {
  /** Exclusive start: the subscription delivers events strictly after this position. */
  readonly fromPosition?: bigint | 'start' | 'end';
  readonly filter?: EventFilter;
}

export interface SubscribeToStreamOptions {
  /** Exclusive start: events strictly after this revision. */
  readonly fromRevision?: bigint | 'start' | 'end';
}

export interface SubscriptionHandlers {
  /** Called for each event in order; the next is not delivered until the promise settles. */
  readonly onEvent: (event: RecordedEvent) => void | Promise<void>;
  /** Called once, when history has been delivered and the subscription is live. */
  readonly onCaughtUp?: () => void | Promise<void>;
  /** Called when the subscription ends with an error (a handler threw, or the store failed). */
  readonly onError?: (error: Error) => void;
}

export interface Subscription {
  /** Stops delivery; resolves when no handler is running any more. */
  close(): Promise<void>;
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly EventData[];
  readonly expected: ExpectedRevision;
}

export interface EventStore {
  append(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult>;
  /**
   * Appends to several streams in one transaction: every part lands, or none does (the first
   * failed expected-revision check or write error aborts them all). Each part follows `append`'s
   * rules, idempotent retries included. Only stores that can do it offer it (the embedded one);
   * EventStoreDB has no multi-stream transaction, so callers design for its absence.
   */
  appendToStreams?(parts: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** Throws StreamNotFoundError when the stream has no events. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options: SubscribeToAllOptions, handlers: SubscriptionHandlers): Subscription;
  subscribeToStream(streamId: string, options: SubscribeToStreamOptions, handlers: SubscriptionHandlers): Subscription;
  close(): Promise<void>;
}
