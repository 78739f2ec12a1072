import { DEFAULT_MAX_APPEND_SIZE } from '../../append-size';
import { MaximumAppendSizeExceededError, StreamNotFoundError } from '../../errors';
import { newEvent, rejectionOf, type ContractFixture } from './fixture';

/**
 * EventStoreDB refuses an append larger than its maximum append size (1 MiB by default); the
 * embedded store refuses it alike. Stores under the contract run with the default.
 */
export function describeAppendSize({ store, streamName }: ContractFixture): void {
  describe('maximum append size', () => {
    const large = (count: number) =>
      Array.from({ length: count }, () => newEvent('LargeEvent', { blob: 'x'.repeat(400_000) }));

    it('refuses an append of more than 1 MiB with a typed error saying what to do, and writes nothing', async () => {
      const stream = streamName('too-large');
      const error = await rejectionOf(store().append(stream, large(3), 'no_stream'));
      expect(error).toBeInstanceOf(MaximumAppendSizeExceededError);
      expect(error).toMatchObject({ streamId: stream, maxAppendSize: DEFAULT_MAX_APPEND_SIZE, eventCount: 3 });
      expect((error as MaximumAppendSizeExceededError).size).toBeGreaterThan(DEFAULT_MAX_APPEND_SIZE);
      expect((error as Error).message).toMatch(/nothing was written.*smaller.*split/s);
      await expect(store().readStream(stream)).rejects.toBeInstanceOf(StreamNotFoundError);
    });

    it('writes nothing of a too-large append to a stream that exists, and accepts one under the limit', async () => {
      const stream = streamName('large');
      await store().append(stream, [newEvent()], 'no_stream');
      await expect(store().append(stream, large(3), 0n)).rejects.toBeInstanceOf(MaximumAppendSizeExceededError);
      expect(await store().readStream(stream)).toHaveLength(1);
      expect((await store().append(stream, large(2), 0n)).nextExpectedRevision).toBe(2n);
    });
  });
}
