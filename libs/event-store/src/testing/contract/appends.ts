import { v4 as uuid } from 'uuid';
import { EventStoreError, WrongExpectedVersionError } from '../../errors';
import { expectWrongExpectedVersion, newEvent, newEvents, range, rejectionOf, type ContractFixture } from './fixture';

/** Items 1-7: revisions, atomic appends, expected revisions, idempotent retries, ids, empty appends. */
export function describeAppends({ store, streamName }: ContractFixture): void {
  describe('revisions (1)', () => {
    it('numbers a stream 0, 1, 2… and returns the revision of the last event written', async () => {
      const stream = streamName('revisions');
      expect((await store().append(stream, [newEvent()], 'no_stream')).nextExpectedRevision).toBe(0n);
      expect((await store().append(stream, newEvents(3), 0n)).nextExpectedRevision).toBe(3n);
      expect((await store().append(stream, newEvents(2), 'any')).nextExpectedRevision).toBe(5n);
      const events = await store().readStream(stream);
      expect(events.map((event) => event.revision)).toEqual(range(6));
    });
  });

  describe('atomic append (2)', () => {
    it('writes all events of an append with consecutive revisions', async () => {
      const stream = streamName('batch');
      const batch = newEvents(5);
      const result = await store().append(stream, batch, 'no_stream');
      const events = await store().readStream(stream);
      expect(events.map((event) => [event.revision, event.id])).toEqual(
        batch.map((event, index) => [BigInt(index), event.id]),
      );
      expect(result.position).toBe(events[4].position);
    });

    it('writes nothing of an append whose check fails', async () => {
      const stream = streamName('rejected-batch');
      await store().append(stream, newEvents(2), 'no_stream');
      await expect(store().append(stream, newEvents(3), 5n)).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect(await store().readStream(stream)).toHaveLength(2);
    });

    it('lets exactly one of several racing appends with the same expected revision land, whole', async () => {
      const stream = streamName('race');
      const batches = Array.from({ length: 6 }, (_, batch) => newEvents(3, `Batch${batch}`));
      const outcomes = await Promise.allSettled(batches.map((events) => store().append(stream, events, 'no_stream')));
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(WrongExpectedVersionError);
      }
      const events = await store().readStream(stream);
      expect(events).toHaveLength(3);
      expect(new Set(events.map((event) => event.type)).size).toBe(1);
    });
  });

  describe('expected revision (3)', () => {
    it("'any' appends to a new and to an existing stream", async () => {
      const stream = streamName('any');
      await store().append(stream, [newEvent()], 'any');
      await store().append(stream, [newEvent()], 'any');
      expect(await store().readStream(stream)).toHaveLength(2);
    });

    it("'no_stream' appends to an empty stream only", async () => {
      const stream = streamName('no-stream');
      await store().append(stream, [newEvent()], 'no_stream');
      await expectWrongExpectedVersion(store().append(stream, [newEvent()], 'no_stream'), stream, 'no_stream', 0n);
    });

    it("'stream_exists' appends to a stream with events only", async () => {
      const stream = streamName('stream-exists');
      await expectWrongExpectedVersion(
        store().append(stream, [newEvent()], 'stream_exists'),
        stream,
        'stream_exists',
        'no_stream',
      );
      await store().append(stream, [newEvent()], 'no_stream');
      expect((await store().append(stream, [newEvent()], 'stream_exists')).nextExpectedRevision).toBe(1n);
    });

    it('a revision n appends only when the stream is exactly at n', async () => {
      const stream = streamName('exact');
      await expectWrongExpectedVersion(store().append(stream, [newEvent()], 0n), stream, 0n, 'no_stream');
      await store().append(stream, newEvents(2), 'no_stream');
      await expectWrongExpectedVersion(store().append(stream, [newEvent()], 0n), stream, 0n, 1n);
      await expectWrongExpectedVersion(store().append(stream, [newEvent()], 2n), stream, 2n, 1n);
      expect((await store().append(stream, [newEvent()], 1n)).nextExpectedRevision).toBe(2n);
    });

    it('raises a typed error that names the stream, the expectation and the actual revision', async () => {
      const stream = streamName('typed-error');
      await store().append(stream, [newEvent()], 'no_stream');
      const error = await rejectionOf(store().append(stream, [newEvent()], 7n));
      expect(error).toBeInstanceOf(EventStoreError);
      expect((error as Error).message).toContain(stream);
    });
  });

  describe('idempotent retries (4)', () => {
    it("returns the original result when an append at 'no_stream' is retried", async () => {
      const stream = streamName('retry-no-stream');
      const events = newEvents(2);
      const first = await store().append(stream, events, 'no_stream');
      const retry = await store().append(stream, events, 'no_stream');
      expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision);
      expect(retry.position).toBe(first.position);
      expect(await store().readStream(stream)).toHaveLength(2);
    });

    it('returns the original result when an append at a revision is retried', async () => {
      const stream = streamName('retry-exact');
      await store().append(stream, newEvents(2), 'no_stream');
      const events = newEvents(3);
      const first = await store().append(stream, events, 1n);
      const retry = await store().append(stream, events, 1n);
      expect(retry).toEqual(first);
      expect((await store().readStream(stream)).map((event) => event.revision)).toEqual(range(5));
    });

    it('still recognises a retry after the stream has moved on', async () => {
      const stream = streamName('retry-later');
      const events = newEvents(2);
      const first = await store().append(stream, events, 'no_stream');
      await store().append(stream, [newEvent()], 1n);
      const retry = await store().append(stream, events, 'no_stream');
      expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision);
      expect(await store().readStream(stream)).toHaveLength(3);
    });

    it('compares ids position by position: a partial match is a conflict and writes nothing', async () => {
      const stream = streamName('retry-partial');
      const [a, b] = newEvents(2);
      await store().append(stream, [a, b], 'no_stream');
      await expectWrongExpectedVersion(store().append(stream, [a, newEvent()], 'no_stream'), stream, 'no_stream', 1n);
      await expectWrongExpectedVersion(
        store().append(stream, [a, b, newEvent()], 'no_stream'),
        stream,
        'no_stream',
        1n,
      );
      await expectWrongExpectedVersion(store().append(stream, [b], 'no_stream'), stream, 'no_stream', 1n);
      expect(await store().readStream(stream)).toHaveLength(2);
    });
  });

  describe('ids (5, 6)', () => {
    it("deduplicates an immediate retry with 'any'", async () => {
      const stream = streamName('retry-any');
      const events = newEvents(2);
      const first = await store().append(stream, events, 'any');
      const retry = await store().append(stream, events, 'any');
      expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision);
      expect(await store().readStream(stream)).toHaveLength(2);
    });

    it('scopes event ids to their stream', async () => {
      const id = uuid();
      const [one, two] = [streamName('scope-one'), streamName('scope-two')];
      await store().append(one, [{ id, type: 'Scoped', data: {} }], 'no_stream');
      await store().append(two, [{ id, type: 'Scoped', data: {} }], 'no_stream');
      expect((await store().readStream(one))[0].id).toBe(id);
      expect((await store().readStream(two))[0].id).toBe(id);
    });
  });

  describe('empty append (7)', () => {
    it('succeeds, writes nothing and does not create the stream', async () => {
      const stream = streamName('empty');
      expect((await store().append(stream, [], 'no_stream')).nextExpectedRevision).toBe(-1n);
      expect((await store().append(stream, [], 'any')).nextExpectedRevision).toBe(-1n);
      await expect(store().readStream(stream)).rejects.toMatchObject({ name: 'StreamNotFoundError', streamId: stream });
      expect((await store().append(stream, [newEvent()], 'no_stream')).nextExpectedRevision).toBe(0n);
    });

    it('leaves an existing stream at its revision', async () => {
      const stream = streamName('empty-existing');
      await store().append(stream, newEvents(2), 'no_stream');
      expect((await store().append(stream, [], 1n)).nextExpectedRevision).toBe(1n);
      expect(await store().readStream(stream)).toHaveLength(2);
    });
  });
}
