import { bytes, duration, shortDigest, shortId, shortImage, time, value } from './format';

describe('formatting for people', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [192_000, '3m12s'],
    [3_600_000, '1h'],
    [7_500_000, '2h5m'],
    [356_400_000, '4d3h'],
  ])('duration(%d) = %s', (ms, text) => expect(duration(ms)).toBe(text));

  it.each([
    [undefined, '-'],
    [512, '512B'],
    [52_428_800, '50.0MiB'],
    [3 * 1024 ** 3, '3.0GiB'],
  ])('bytes(%p) = %s', (n, text) => expect(bytes(n)).toBe(text));

  it('shortens ids and digests as docker does', () => {
    expect(shortId('sha256:0123456789abcdef0123')).toBe('0123456789ab');
    expect(shortId(undefined)).toBe('-');
    expect(shortDigest('sha256:0123456789abcdef0123')).toBe('sha256:0123456789ab');
    expect(shortImage('127.77.0.1:5000/cj-demo:v1@sha256:0123456789abcdef0123')).toBe(
      '127.77.0.1:5000/cj-demo:v1@sha256:0123456789ab',
    );
    expect(shortImage('127.77.0.1:5000/cj-demo:v1')).toBe('127.77.0.1:5000/cj-demo:v1');
  });

  it('prints times in UTC to the second, and values on one line', () => {
    expect(time('2015-06-02T09:30:00.123+08:00')).toBe('2015-06-02 01:30:00Z');
    expect(value({ key: 'http_port', value: '8990' })).toBe('{"key":"http_port","value":"8990"}');
    expect(value(undefined)).toBe('-');
  });
});
