import { StreamNotFoundError } from '../../errors';
import type { RecordedEvent } from '../../port';
import { newEvent, newEvents, range, type ContractFixture } from './fixture';

const revisionsOf = (events: RecordedEvent[]): bigint[] => events.map((event) => event.revision);

/** Items 8 and 9: the global log's order, and stream and global reads. */
export function describeReads({ store, streamName }: ContractFixture): void {
  describe('the global log (8)', () => {
    it('orders events by commit, with strictly increasing positions', async () => {
      const prefix = streamName('order');
      const written: { stream: string; position: bigint | undefined }[] = [];
      for (const stream of [`${prefix}-a`, `${prefix}-b`, `${prefix}-a`, `${prefix}-c`, `${prefix}-b`]) {
        const { position } = await store().append(stream, [newEvent()], 'any');
        written.push({ stream, position });
      }
      const events = await store().readAll({ filter: { streamPrefixes: [prefix] } });
      expect(events.map((event) => event.streamId)).toEqual(written.map((write) => write.stream));
      expect(events.map((event) => event.position)).toEqual(written.map((write) => write.position));
      expectStrictlyIncreasing(events.map((event) => event.position));
    });

    it('keeps one total order and each stream’s order when appends run concurrently', async () => {
      const prefix = streamName('concurrent');
      const streams = [0, 1, 2, 3].map((index) => `${prefix}-${index}`);
      const results = await Promise.all(
        streams.flatMap((stream) => [0, 1, 2, 3, 4].map(() => store().append(stream, newEvents(2), 'any'))),
      );
      const events = await store().readAll({ filter: { streamPrefixes: [prefix] } });
      expect(events).toHaveLength(40);
      expectStrictlyIncreasing(events.map((event) => event.position));
      for (const stream of streams) {
        expect(revisionsOf(events.filter((event) => event.streamId === stream))).toEqual(range(10));
      }
      const positions = new Set(events.map((event) => event.position));
      for (const result of results) expect(positions.has(result.position as bigint)).toBe(true);
    });
  });

  describe('reads (9)', () => {
    let stream: string;
    beforeAll(async () => {
      stream = streamName('reads');
      await store().append(stream, newEvents(6), 'no_stream');
    });

    it('reads a stream forwards from the start, or from an inclusive revision, up to a max count', async () => {
      expect(revisionsOf(await store().readStream(stream))).toEqual(range(6));
      expect(revisionsOf(await store().readStream(stream, { fromRevision: 2n }))).toEqual(range(4, 2n));
      expect(revisionsOf(await store().readStream(stream, { fromRevision: 2n, maxCount: 3 }))).toEqual(range(3, 2n));
      expect(await store().readStream(stream, { fromRevision: 6n })).toEqual([]);
    });

    it('reads a stream backwards from the end, or from an inclusive revision, up to a max count', async () => {
      expect(revisionsOf(await store().readStream(stream, { direction: 'backwards' }))).toEqual(range(6).reverse());
      expect(revisionsOf(await store().readStream(stream, { direction: 'backwards', maxCount: 2 }))).toEqual([5n, 4n]);
      expect(revisionsOf(await store().readStream(stream, { direction: 'backwards', fromRevision: 3n }))).toEqual([
        3n,
        2n,
        1n,
        0n,
      ]);
    });

    it('raises a typed StreamNotFound for a stream without events', async () => {
      const missing = streamName('missing');
      const attempt = store().readStream(missing);
      await expect(attempt).rejects.toBeInstanceOf(StreamNotFoundError);
      await expect(attempt).rejects.toMatchObject({ streamId: missing });
    });

    it('reads the global log forwards and backwards from an inclusive position, up to a max count', async () => {
      const prefix = streamName('global');
      const results = [];
      for (let index = 0; index < 4; index += 1) {
        results.push(await store().append(`${prefix}-${index}`, [newEvent()], 'no_stream'));
      }
      const [, second, third] = results.map((result) => result.position as bigint);
      const filter = { streamPrefixes: [prefix] };
      const forwards = await store().readAll({ fromPosition: second, filter });
      expect(forwards.map((event) => event.streamId)).toEqual([`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]);
      const limited = await store().readAll({ fromPosition: second, maxCount: 2, filter });
      expect(limited.map((event) => event.position)).toEqual([second, third]);
      const backwards = await store().readAll({ direction: 'backwards', fromPosition: third, filter });
      expect(backwards.map((event) => event.streamId)).toEqual([`${prefix}-2`, `${prefix}-1`, `${prefix}-0`]);
      const latest = await store().readAll({ direction: 'backwards', maxCount: 1, filter });
      expect(latest.map((event) => event.streamId)).toEqual([`${prefix}-3`]);
    });

    it('filters the global log by stream prefix and by event type', async () => {
      const prefix = streamName('read-filter');
      await store().append(`${prefix}-x`, [newEvent('Kept'), newEvent('Dropped')], 'no_stream');
      await store().append(`${prefix}-y`, [newEvent('Kept')], 'no_stream');
      const events = await store().readAll({ filter: { streamPrefixes: [`${prefix}-`], eventTypes: ['Kept'] } });
      expect(events.map((event) => event.streamId)).toEqual([`${prefix}-x`, `${prefix}-y`]);
    });

    it('sees every append as soon as it has resolved', async () => {
      const target = streamName('read-your-writes');
      for (let index = 0; index < 10; index += 1) {
        const { nextExpectedRevision, position } = await store().append(target, [newEvent()], 'any');
        const [last] = await store().readStream(target, { direction: 'backwards', maxCount: 1 });
        expect(last.revision).toBe(nextExpectedRevision);
        const [global] = await store().readAll({ fromPosition: position, maxCount: 1 });
        expect(global.position).toBe(position);
      }
    });
  });
}

function expectStrictlyIncreasing(values: bigint[]): void {
  values.slice(1).forEach((value, index) => expect(value > values[index]).toBe(true));
}
