import { InvalidArgumentError, Option } from 'commander';
import { badTargetEndpoint, parseDuration, ROLLOUT_ORDERS, type HostTarget } from '@cj/api';

/** Option parsers: a bad value is a usage error (exit 2) naming the option and what it takes. */

export function positiveInt(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1) throw new InvalidArgumentError('expected a whole number of 1 or more.');
  return n;
}

export function nonNegativeInt(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('expected a whole number of 0 or more.');
  return Number(text);
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A moment: ISO 8601 (`2015-06-01T10:00:00Z`, `2015-06-01`) or a time ago (`90s`, `30m`, `2h`, `7d`). */
export function instant(text: string, now = Date.now()): string {
  const ago = /^(\d+)([smhd])$/.exec(text);
  if (ago) return new Date(now - Number(ago[1]) * UNIT_MS[ago[2]]).toISOString();
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at))
    throw new InvalidArgumentError('expected an ISO time (2015-06-01T10:00:00Z) or a time ago (30m, 2h, 7d).');
  return new Date(at).toISOString();
}

/** A duration written as in the jobs file (`500ms`, `5s`, `1m30s`, `0`), in milliseconds. */
export function duration(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new InvalidArgumentError('expected a duration with a unit, such as 500ms, 5s or 1m30s (0 for none).');
  return ms;
}

/**
 * Collects repeated `--map-host OLD=NEW`, `OLD=NEW=ENDPOINT` or `OLD=NEW=ENDPOINT=ADDRESS` (the
 * latter two declare NEW at ENDPOINT, e.g. `unix:///run/docker.sock`, `tcp://10.0.0.5:2376`,
 * `ssh://deploy@host`, its tasks answering on ADDRESS).
 */
export function hostMapping(text: string, previous: Record<string, HostTarget> = {}): Record<string, HostTarget> {
  const match = /^([^=\s]+)=([^=\s]+)(?:=([^=\s]+)(?:=([^=\s]+))?)?$/.exec(text);
  if (!match)
    throw new InvalidArgumentError(
      'expected OLD_HOST=NEW_HOST, OLD_HOST=NEW_HOST=ENDPOINT or OLD_HOST=NEW_HOST=ENDPOINT=ADDRESS.',
    );
  const [, from, name, endpoint, address] = match;
  if (from in previous) throw new InvalidArgumentError(`host ${from} is mapped twice.`);
  const target: HostTarget = {
    name,
    ...(endpoint !== undefined && { endpoint }),
    ...(address !== undefined && { address }),
  };
  // The orchestrator's check, run here to fail fast as a usage error.
  const bad = badTargetEndpoint(from, target);
  if (bad) throw new InvalidArgumentError(`${bad.message}: ${bad.hint}.`);
  return { ...previous, [from]: target };
}

export const jsonOption = () => new Option('--json', 'print the API answer as JSON (stable field names, see README)');
export const reasonOption = () => new Option('--reason <text>', 'why: recorded with every event of this change');
export const orderOption = () =>
  new Option('--order <order>', 'replace the old container first, or start the new one first').choices(ROLLOUT_ORDERS);
export const maxParallelOption = () => new Option('--max-parallel <n>', 'tasks updated at once').argParser(positiveInt);
