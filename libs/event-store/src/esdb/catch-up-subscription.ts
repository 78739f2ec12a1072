import type { AllStreamResolvedEvent, ReadableSubscription, ResolvedEvent } from '@eventstore/db-client';
import type { RecordedEvent, Subscription, SubscriptionHandlers } from '../port';
import { isConnectionLoss, toStoreError } from './client-errors';

type Resolved = ResolvedEvent | AllStreamResolvedEvent;

/** Where a subscription stands: its exclusive start, then the key of the last event it saw. */
export type SubscriptionStart = bigint | 'start' | 'end';

/** What differs between a subscription to one stream and one to $all. */
export interface SubscriptionSource {
  /** For error messages: "subscription to $all". */
  readonly description: string;
  /** Opens the client subscription strictly after `after`. */
  open(after: SubscriptionStart, onCheckpoint: (key: bigint) => void): ReadableSubscription<Resolved>;
  /** Key (position or revision) of the newest event now, or undefined when there is none. */
  head(): Promise<bigint | undefined>;
  /** Key of a raw event, system events included: resuming after it skips nothing the port shows. */
  keyOf(resolved: Resolved): bigint | undefined;
  /** The port's record, or undefined when the event is filtered out. */
  accept(resolved: Resolved): RecordedEvent | undefined;
}

export interface ReconnectPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** A handler threw: the subscription ends and reports it; no reconnect can help. */
class HandlerFailure {
  constructor(readonly error: Error) {}
}

/**
 * A catch-up subscription that survives dropped connections. It resubscribes after the last event
 * it saw (the start is exclusive), so a reconnect delivers no gap and no duplicate. It signals
 * "caught up" once: from the server's CaughtUp message where the server sends one, otherwise when
 * it has passed the head that it read when (re)subscribing, by an event or a filter checkpoint.
 */
export class CatchUpSubscription implements Subscription {
  private after: SubscriptionStart;
  private closed = false;
  private caughtUp = false;
  private current: ReadableSubscription<Resolved> | undefined;
  private wake: (() => void) | undefined;
  /** Serialises onCaughtUp with onEvent: handlers never run concurrently. */
  private gate: Promise<void> = Promise.resolve();
  private readonly done: Promise<void>;

  constructor(
    private readonly source: SubscriptionSource,
    start: SubscriptionStart,
    private readonly handlers: SubscriptionHandlers,
    private readonly reconnect: ReconnectPolicy,
  ) {
    this.after = start;
    this.done = this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.current?.unsubscribe();
    await this.done;
  }

  private async run(): Promise<void> {
    let delay = this.reconnect.initialDelayMs;
    while (!this.closed) {
      try {
        await this.follow(() => {
          delay = this.reconnect.initialDelayMs;
        });
      } catch (error) {
        if (this.closed) return;
        if (error instanceof HandlerFailure) return this.fail(error.error);
        if (!isConnectionLoss(error)) return this.fail(toStoreError(error, this.context()));
      }
      if (this.closed) return;
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.reconnect.maxDelayMs);
    }
  }

  /** One connection's worth of delivery; returns or throws when the connection ends. */
  private async follow(onConnected: () => void): Promise<void> {
    const head = this.caughtUp && this.after !== 'end' ? undefined : await this.source.head();
    if (this.closed) return;
    // "end" is pinned to the head once, so a later reconnect cannot skip what was appended meanwhile.
    if (this.after === 'end') this.after = head ?? 'start';
    if (!this.caughtUp && isAtOrPast(this.after, head)) this.signalCaughtUp();

    let consumed = 0;
    let handled = 0;
    let drainedMark: number | undefined;
    const whenDrained = () => {
      if (this.caughtUp || drainedMark !== undefined) return;
      // Everything the client has pushed so far must be handled first: it sits in the buffer.
      drainedMark = consumed + subscription.readableLength;
      if (handled >= drainedMark) this.signalCaughtUp();
    };
    const subscription = this.source.open(this.after, (checkpoint) => {
      if (head !== undefined && checkpoint >= head) whenDrained();
    });
    this.current = subscription;
    subscription.on('confirmation', onConnected);
    subscription.on('caughtUp', whenDrained);
    // Once unwanted, the stream is cancelled and drained to its end, never abandoned: an abandoned
    // gRPC stream stays paused and open, and the client's dispose() would wait for it forever.
    let failed = false;
    let failure: unknown;
    try {
      for await (const resolved of subscription as AsyncIterable<Resolved>) {
        if (this.closed || failed) continue;
        consumed++;
        try {
          await this.deliver(resolved);
        } catch (error) {
          failed = true;
          failure = error;
          void subscription.unsubscribe();
          continue;
        }
        handled++;
        const key = this.source.keyOf(resolved);
        if (key !== undefined) this.after = key;
        if (
          !this.caughtUp &&
          ((head !== undefined && key !== undefined && key >= head) ||
            (drainedMark !== undefined && handled >= drainedMark))
        ) {
          this.signalCaughtUp();
        }
      }
    } finally {
      subscription.removeListener('caughtUp', whenDrained);
      subscription.removeListener('confirmation', onConnected);
      this.current = undefined;
    }
    if (failed) throw failure;
  }

  private async deliver(resolved: Resolved): Promise<void> {
    const event = this.source.accept(resolved);
    await this.gate;
    if (!event || this.closed) return;
    try {
      await this.handlers.onEvent(event);
    } catch (error) {
      throw new HandlerFailure(asError(error));
    }
  }

  private signalCaughtUp(): void {
    if (this.caughtUp) return;
    this.caughtUp = true;
    const onCaughtUp = this.handlers.onCaughtUp;
    if (!onCaughtUp) return;
    this.gate = this.gate.then(async () => {
      if (this.closed) return;
      try {
        await onCaughtUp();
      } catch (error) {
        this.fail(asError(error));
        void this.current?.unsubscribe();
      }
    });
  }

  private fail(error: unknown): void {
    this.closed = true;
    this.handlers.onError?.(asError(error));
  }

  private context() {
    return { operation: this.source.description, deadlineMs: 0 };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function isAtOrPast(after: bigint | 'start', head: bigint | undefined): boolean {
  if (head === undefined) return true;
  return after !== 'start' && after >= head;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
