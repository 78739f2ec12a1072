import type { Millis } from './job-spec';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/**
 * Reads a duration as people write it (`500ms`, `2s`, `1m30s`, `1h`) into milliseconds.
 * `0` alone is accepted; any other bare number is rejected because its unit would be a guess.
 */
export function parseDuration(text: string | number): Millis | undefined {
  if (text === 0 || text === '0') return 0;
  if (typeof text !== 'string' || !DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit];
  return Math.round(total);
}
