import { DigestCache } from './digest-cache';

describe('DigestCache', () => {
  it('loads a key once, sharing a pending load', async () => {
    const cache = new DigestCache<string>(10);
    let loads = 0;
    const load = async () => `value ${++loads}`;

    const [first, second] = await Promise.all([cache.get('sha256:a', load), cache.get('sha256:a', load)]);

    expect([first, second, await cache.get('sha256:a', load)]).toEqual(['value 1', 'value 1', 'value 1']);
  });

  it('forgets failed loads so the next call tries again', async () => {
    const cache = new DigestCache<string>(10);

    await expect(cache.get('sha256:a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(cache.get('sha256:a', async () => 'up')).resolves.toBe('up');
  });

  it('drops the oldest entry beyond its capacity', async () => {
    const cache = new DigestCache<string>(2);
    await cache.get('a', async () => 'a1');
    await cache.get('b', async () => 'b1');
    await cache.get('c', async () => 'c1');

    await expect(cache.get('a', async () => 'a2')).resolves.toBe('a2');
    await expect(cache.get('c', async () => 'c2')).resolves.toBe('c1');
  });
});
