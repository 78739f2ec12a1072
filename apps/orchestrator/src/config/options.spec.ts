import { resolve } from 'node:path';
import { InvalidOptionError } from './invalid-option.error';
import { parseOptions } from './options';

const TOKEN = 'operator-token-0123456789';

describe('orchestrator options', () => {
  it('defaults to a SQLite store in the working directory, loopback, and a 2 s observation', () => {
    const options = parseOptions([], {});
    expect(options).toMatchObject({
      store: './cj.db',
      listen: { host: '127.0.0.1', port: 7420 },
      observeIntervalMs: 2000,
      rebuildProjections: false,
    });
    expect(options.readDb).toBe(resolve('cj.read.db'));
    expect(options.tokens).toBeUndefined();
  });

  it('puts the read models beside the store unless told otherwise', () => {
    expect(parseOptions(['--store', '/var/lib/cj/prod.db'], {}).readDb).toBe('/var/lib/cj/prod.read.db');
    expect(parseOptions(['--store', '/var/lib/cj/prod.db', '--read-db', '/tmp/r.db'], {}).readDb).toBe('/tmp/r.db');
  });

  it('parses durations and IPv6 loopback', () => {
    const options = parseOptions(['--observe-interval', '500ms', '--listen', '[::1]:9000'], {});
    expect(options.observeIntervalMs).toBe(500);
    expect(options.listen).toEqual({ host: '::1', port: 9000 });
  });

  it("waits 5 s for an engine's answer unless told otherwise, from 100ms to 10m", () => {
    expect(parseOptions([], {}).engineTimeoutMs).toBe(5000);
    expect(parseOptions(['--engine-timeout', '2s'], {}).engineTimeoutMs).toBe(2000);
    expect(() => parseOptions(['--engine-timeout', '50ms'], {})).toThrow(/--engine-timeout.*from 100ms to 10m/);
    expect(() => parseOptions(['--engine-timeout', '1h'], {})).toThrow(InvalidOptionError);
  });

  it('refuses a non-loopback address without a token, and accepts it with CJ_TOKEN', () => {
    expect(() => parseOptions(['--listen', '0.0.0.0:7420'], {})).toThrow(/--token \/ CJ_TOKEN/);
    expect(parseOptions(['--listen', '0.0.0.0:7420'], { CJ_TOKEN: TOKEN }).tokens).toEqual({
      operator: TOKEN,
      readOnly: undefined,
    });
  });

  it('treats an empty CJ_TOKEN as unset', () => {
    expect(() => parseOptions(['--listen', '0.0.0.0:7420'], { CJ_TOKEN: '' })).toThrow(/loopback/);
  });

  it('takes a read-only token only beside an operator token', () => {
    expect(() => parseOptions(['--read-token', 'reader-token-0123456789'], {})).toThrow(InvalidOptionError);
    expect(parseOptions(['--token', TOKEN], { CJ_READ_TOKEN: 'reader-token-0123456789' }).tokens?.readOnly).toBe(
      'reader-token-0123456789',
    );
  });

  it.each([
    [['--observe-interval', 'soon'], /--observe-interval "soon" is invalid: expected a duration/],
    [['--observe-interval', '0s'], /greater than zero/],
    [['--listen', '127.0.0.1'], /HOST:PORT/],
    [['--listen', '127.0.0.1:70000'], /HOST:PORT/],
    [['--token', 'short'], /at least 16 characters/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseOptions(argv, {})).toThrow(message);
  });
});
