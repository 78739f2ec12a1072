import type { RecordedEvent, Subscription, SubscriptionHandlers } from '../port';
import type { ChangeFeed } from './change-feed';

/** Where a subscription reads from: events strictly after a checkpoint, oldest first. */
export interface CatchUpSource {
  readAfter(checkpoint: bigint, maxCount: number): RecordedEvent[];
  checkpointOf(event: RecordedEvent): bigint;
}

const PAGE_SIZE = 500;

/** What a handler threw: handed on as it is, since it says nothing about the event log. */
class HandlerFailure {
  constructor(readonly error: unknown) {}
}

async function handing(call: () => unknown): Promise<void> {
  try {
    await call();
  } catch (error) {
    throw new HandlerFailure(error);
  }
}

/**
 * History and live delivery are one loop over the same query ("events after my checkpoint"), so
 * the switch from one to the other can neither skip nor repeat an event: the subscription is
 * caught up when a page comes back short, and from then on waits for the change feed between reads.
 */
export class CatchUpSubscription implements Subscription {
  private readonly stopping = new AbortController();
  /** Settles when delivery has stopped: closed, or ended by an error. */
  readonly ended: Promise<void>;

  constructor(
    private readonly source: CatchUpSource,
    start: bigint,
    private readonly handlers: SubscriptionHandlers,
    private readonly feed: ChangeFeed,
    private readonly translateFailure: (error: unknown) => unknown,
  ) {
    const detach = feed.attach();
    this.ended = this.deliver(start).finally(detach);
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await this.ended;
  }

  private get closed(): boolean {
    return this.stopping.signal.aborted;
  }

  private async deliver(start: bigint): Promise<void> {
    // Let `subscribe…` return before the first handler call, so a handler can use the subscription.
    await Promise.resolve();
    let checkpoint = start;
    let caughtUp = false;
    try {
      while (!this.closed) {
        const seen = this.feed.current;
        const page = this.source.readAfter(checkpoint, PAGE_SIZE);
        for (const event of page) {
          if (this.closed) return;
          await handing(() => this.handlers.onEvent(event));
          checkpoint = this.source.checkpointOf(event);
        }
        if (page.length === PAGE_SIZE) continue;
        if (!caughtUp && !this.closed) {
          caughtUp = true;
          await handing(() => this.handlers.onCaughtUp?.());
        }
        await this.feed.changedSince(seen, this.stopping.signal);
      }
    } catch (error) {
      this.stopping.abort();
      // Only the log's own failures are the log's errors: a handler's (say, its own database's) is its own.
      const failure = error instanceof HandlerFailure ? error.error : this.translateFailure(error);
      this.handlers.onError?.(failure instanceof Error ? failure : new Error(String(failure)));
    }
  }
}
