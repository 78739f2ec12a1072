import { setTimeout as sleep } from 'node:timers/promises';
import { mapBounded } from './concurrency';

describe('mapBounded', () => {
  it('keeps at most limit calls in flight and the input order in the result', async () => {
    let inFlight = 0;
    let peak = 0;
    const result = await mapBounded([5, 1, 4, 2, 3, 1, 2], 3, async (ms) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await sleep(ms);
      inFlight -= 1;
      return ms * 10;
    });

    expect(result).toEqual([50, 10, 40, 20, 30, 10, 20]);
    expect(peak).toBe(3);
  });

  it('stops starting calls after a failure and throws it', async () => {
    const started: number[] = [];
    const failure = mapBounded([1, 2, 3, 4, 5, 6], 2, async (item) => {
      started.push(item);
      await sleep(1);
      if (item === 2) throw new Error('boom');
      return item;
    });

    await expect(failure).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(6);
  });
});
