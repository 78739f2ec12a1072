import { InvalidOptionError } from './invalid-option.error';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `500ms`, `2s`, `1.5m`, `1h` (a bare number is seconds) into milliseconds. */
export function parseDuration(option: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) {
    throw new InvalidOptionError(option, text, 'a duration such as 500ms, 2s, 1m or 1h');
  }
  const millis = Number(match[1]) * UNITS[match[2] ?? 's'];
  if (millis <= 0) {
    throw new InvalidOptionError(option, text, 'a duration greater than zero');
  }
  return millis;
}
