import type { RecordedEvent, SubscriptionHandlers } from '../port';

/** Records what a subscription delivers, so a test can wait for it and then inspect it. */
export class SubscriptionProbe {
  readonly events: RecordedEvent[] = [];
  readonly errors: Error[] = [];
  /** How many events had been delivered each time onCaughtUp was called. */
  readonly caughtUpAfter: number[] = [];

  constructor(private readonly onEvent?: (event: RecordedEvent) => void | Promise<void>) {}

  get handlers(): SubscriptionHandlers {
    return {
      onEvent: async (event) => {
        this.events.push(event);
        await this.onEvent?.(event);
      },
      onCaughtUp: () => {
        this.caughtUpAfter.push(this.events.length);
      },
      onError: (error) => {
        this.errors.push(error);
      },
    };
  }

  get revisions(): bigint[] {
    return this.events.map((event) => event.revision);
  }

  /** Waits until `condition` holds, failing with `what` after `timeoutMs`. */
  async until(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${what}: ${this.events.length} events, caught up after ${JSON.stringify(
            this.caughtUpAfter,
          )}, errors ${this.errors.map((error) => error.message).join('; ') || 'none'}`,
        );
      }
      await pause(10);
    }
  }

  untilCount(count: number, timeoutMs?: number): Promise<void> {
    return this.until(`${count} events`, () => this.events.length >= count, timeoutMs);
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
