/** Typed errors every adapter raises for the same conditions. */

export class EventStoreError extends Error {
  override readonly name: string = 'EventStoreError';
}

export class WrongExpectedVersionError extends EventStoreError {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly streamId: string,
    readonly expected: 'any' | 'no_stream' | 'stream_exists' | bigint,
    /** The stream's actual revision, or 'no_stream'. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, but it is at ${String(actual)}`);
  }
}

export class StreamNotFoundError extends EventStoreError {
  override readonly name = 'StreamNotFoundError';
  constructor(readonly streamId: string) {
    super(`stream ${streamId} does not exist`);
  }
}

/**
 * The events of one append are larger than the store accepts in one write (EventStoreDB's
 * MaximumAppendSizeExceeded; 1 MiB by default on both stores). Nothing was written.
 */
export class MaximumAppendSizeExceededError extends EventStoreError {
  override readonly name = 'MaximumAppendSizeExceededError';
  constructor(
    readonly streamId: string,
    /** The store's limit in bytes. */
    readonly maxAppendSize: number,
    /** The bytes this append counted (type, data and metadata of every event, UTF-8). */
    readonly size: number,
    readonly eventCount: number,
  ) {
    super(
      `stream ${streamId}: ${eventCount} event(s) of ${size} bytes exceed the store's maximum append size of ${maxAppendSize} bytes; ` +
        'nothing was written. Make the events smaller (large payloads belong outside the log) or split the work into several ' +
        'commands, or raise the maximum append size of the store.',
    );
  }
}
