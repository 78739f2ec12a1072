import { parseDuration } from './duration';

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['2s', 2000],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['1h', 3_600_000],
    ['0', 0],
    [0, 0],
  ])('reads %j as %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each([['-1s'], ['10'], [10], ['1 s'], ['1d'], ['']])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});
