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
