import type { Subscription } from '../../port';
import { pause, SubscriptionProbe } from '../subscription-probe';
import { newEvent, newEvents, range, type ContractFixture } from './fixture';

/** Item 10: catch-up subscriptions to a stream and to the global log. */
export function describeSubscriptions({ store, streamName, eventType }: ContractFixture): void {
  describe('catch-up subscriptions (10)', () => {
    const open: Subscription[] = [];
    const keep = (subscription: Subscription): Subscription => {
      open.push(subscription);
      return subscription;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((subscription) => subscription.close()));
    });

    it('delivers a stream’s history, signals caught up once, then delivers live events', async () => {
      const stream = streamName('sub-stream');
      await store().append(stream, newEvents(3), 'no_stream');
      const probe = new SubscriptionProbe();
      keep(store().subscribeToStream(stream, { fromRevision: 'start' }, probe.handlers));
      await probe.until('caught up', () => probe.caughtUpAfter.length > 0);
      expect(probe.caughtUpAfter).toEqual([3]);
      await store().append(stream, newEvents(2), 2n);
      await probe.untilCount(5);
      expect(probe.revisions).toEqual(range(5));
      expect(probe.caughtUpAfter).toEqual([3]);
    });

    it('signals caught up on a stream that does not exist yet, and delivers its first events', async () => {
      const stream = streamName('sub-empty');
      const probe = new SubscriptionProbe();
      keep(store().subscribeToStream(stream, {}, probe.handlers));
      await probe.until('caught up', () => probe.caughtUpAfter.length > 0);
      await store().append(stream, newEvents(2), 'no_stream');
      await probe.untilCount(2);
      expect(probe.revisions).toEqual(range(2));
    });

    it('starts after the given revision or position (exclusive)', async () => {
      const stream = streamName('sub-exclusive');
      const results = [];
      for (let index = 0; index < 4; index += 1) results.push(await store().append(stream, [newEvent()], 'any'));
      const byRevision = new SubscriptionProbe();
      keep(store().subscribeToStream(stream, { fromRevision: 1n }, byRevision.handlers));
      const byPosition = new SubscriptionProbe();
      const fromPosition = results[1].position as bigint;
      keep(store().subscribeToAll({ fromPosition, filter: { streamPrefixes: [stream] } }, byPosition.handlers));
      await byRevision.until('caught up', () => byRevision.caughtUpAfter.length > 0);
      await byPosition.until('caught up', () => byPosition.caughtUpAfter.length > 0);
      expect(byRevision.revisions).toEqual([2n, 3n]);
      expect(byPosition.revisions).toEqual([2n, 3n]);
    });

    it("starting at 'end' delivers only events appended afterwards", async () => {
      const stream = streamName('sub-end');
      await store().append(stream, newEvents(2), 'no_stream');
      const onStream = new SubscriptionProbe();
      keep(store().subscribeToStream(stream, { fromRevision: 'end' }, onStream.handlers));
      const onAll = new SubscriptionProbe();
      keep(store().subscribeToAll({ fromPosition: 'end', filter: { streamPrefixes: [stream] } }, onAll.handlers));
      await onStream.until('caught up', () => onStream.caughtUpAfter.length > 0);
      await onAll.until('caught up', () => onAll.caughtUpAfter.length > 0);
      await store().append(stream, [newEvent()], 1n);
      await onStream.untilCount(1);
      await onAll.untilCount(1);
      expect(onStream.revisions).toEqual([2n]);
      expect(onAll.revisions).toEqual([2n]);
    });

    it('filters the global log by stream-name prefix and by event type', async () => {
      const prefix = streamName('sub-filter');
      const [wanted, other] = [eventType('Wanted'), eventType('Other')];
      const byPrefix = new SubscriptionProbe();
      keep(store().subscribeToAll({ filter: { streamPrefixes: [`${prefix}-in`] } }, byPrefix.handlers));
      const byType = new SubscriptionProbe();
      keep(store().subscribeToAll({ filter: { eventTypes: [wanted] } }, byType.handlers));
      await store().append(`${prefix}-in-1`, [newEvent(wanted), newEvent(other)], 'no_stream');
      await store().append(`${prefix}-out`, [newEvent(wanted)], 'no_stream');
      await store().append(`${prefix}-in-2`, [newEvent(other)], 'no_stream');
      await byPrefix.untilCount(3);
      await byType.untilCount(2);
      await pause(200);
      expect(byPrefix.events.map((event) => [event.streamId, event.type])).toEqual([
        [`${prefix}-in-1`, wanted],
        [`${prefix}-in-1`, other],
        [`${prefix}-in-2`, other],
      ]);
      expect(byType.events.map((event) => event.streamId)).toEqual([`${prefix}-in-1`, `${prefix}-out`]);
    });

    it.each(['stream', 'all'] as const)(
      'switches from history to live without a gap or a duplicate while appends run (%s)',
      async (kind) => {
        const stream = streamName(`sub-switch-${kind}`);
        const total = 150;
        let written = 0;
        const writer = (async () => {
          for (; written < total; written += 1) {
            await store().append(stream, [newEvent()], written === 0 ? 'no_stream' : BigInt(written - 1));
            // Yield to timers too, so that the subscription runs between appends even when the
            // store answers without real I/O waits.
            await pause(1);
          }
        })();
        while (written < 40) await pause(1);
        const probe = new SubscriptionProbe();
        keep(
          kind === 'stream'
            ? store().subscribeToStream(stream, {}, probe.handlers)
            : store().subscribeToAll({ filter: { streamPrefixes: [stream] } }, probe.handlers),
        );
        await writer;
        await probe.untilCount(total);
        await pause(200);
        expect(probe.revisions).toEqual(range(total));
        expect(probe.caughtUpAfter).toHaveLength(1);
        expect(probe.errors).toEqual([]);
      },
    );

    it('awaits each handler before delivering the next event', async () => {
      const stream = streamName('sub-await');
      let running = 0;
      let overlapped = false;
      const probe = new SubscriptionProbe(async () => {
        running += 1;
        overlapped ||= running > 1;
        await pause(5);
        running -= 1;
      });
      keep(store().subscribeToStream(stream, {}, probe.handlers));
      await store().append(stream, newEvents(5), 'no_stream');
      await store().append(stream, newEvents(5), 4n);
      await probe.untilCount(10);
      expect(probe.revisions).toEqual(range(10));
      expect(overlapped).toBe(false);
    });

    it('ends with onError when a handler throws, and delivers nothing more', async () => {
      const stream = streamName('sub-throw');
      const failure = new Error('projection failed');
      const probe = new SubscriptionProbe((event) => {
        if (event.revision === 1n) throw failure;
      });
      keep(store().subscribeToStream(stream, {}, probe.handlers));
      await store().append(stream, newEvents(3), 'no_stream');
      await probe.until('the error', () => probe.errors.length > 0);
      await store().append(stream, newEvents(2), 2n);
      await pause(300);
      expect(probe.errors).toEqual([failure]);
      expect(probe.revisions).toEqual([0n, 1n]);
    });

    it('delivers nothing after close() has resolved', async () => {
      const stream = streamName('sub-close');
      const probe = new SubscriptionProbe();
      const subscription = store().subscribeToStream(stream, {}, probe.handlers);
      await store().append(stream, newEvents(2), 'no_stream');
      await probe.untilCount(2);
      await subscription.close();
      await store().append(stream, newEvents(2), 1n);
      await pause(300);
      expect(probe.revisions).toEqual(range(2));
    });
  });
}
