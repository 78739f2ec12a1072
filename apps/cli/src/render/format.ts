/** Formatting of API values for people. Absent values print as `-`. */
import type { ChangeKind } from '@cj/api';

export const NONE = '-';

/** Docker's short id: 12 hex digits. */
export function shortId(id: string | undefined): string {
  if (!id) return NONE;
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** `sha256:0123456789ab…` → `sha256:0123456789ab` (12 hex digits, as docker prints image ids). */
export function shortDigest(digest: string | undefined): string {
  if (!digest) return NONE;
  const [algorithm, hex] = digest.includes(':') ? digest.split(':', 2) : ['sha256', digest];
  return `${algorithm}:${hex.slice(0, 12)}`;
}

/** An image reference pinned by digest, with the digest shortened: `repo:tag@sha256:0123456789ab`. */
export function shortImage(ref: string): string {
  const at = ref.lastIndexOf('@');
  return at === -1 ? ref : `${ref.slice(0, at)}@${shortDigest(ref.slice(at + 1))}`;
}

export function revision(value: number | undefined): string {
  return value === undefined ? NONE : `r${value}`;
}

export function bytes(value: number | undefined): string {
  if (value === undefined) return NONE;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? n : n.toFixed(1)}${units[unit]}`;
}

export function percent(value: number | undefined): string {
  return value === undefined ? NONE : `${value.toFixed(1)}%`;
}

/** A short duration to a tenth of a second: `0.4s`, `12.3s`. */
export function seconds(ms: number | undefined): string {
  return ms === undefined ? NONE : `${(ms / 1000).toFixed(1)}s`;
}

/** A duration in the largest two units: `45s`, `3m12s`, `2h5m`, `4d3h`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const parts: [number, string][] = [
    [Math.floor(s / 86400), 'd'],
    [Math.floor((s % 86400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return '0s';
  return parts
    .slice(first, first + 2)
    .filter(([n], i) => i === 0 || n > 0)
    .map(([n, u]) => `${n}${u}`)
    .join('');
}

/** How long ago an ISO time was, relative to `now`. */
export function since(iso: string | undefined, now: Date): string {
  if (!iso) return NONE;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? NONE : duration(now.getTime() - at);
}

/** An ISO time as `YYYY-MM-DD HH:MM:SS` in UTC, so tables align and read the same everywhere. */
export function time(iso: string | undefined): string {
  if (!iso) return NONE;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : `${at.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** A value of a spec field as one line (diffs and plans). */
export function value(v: unknown): string {
  if (v === undefined) return NONE;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** What applying a change of this kind does, as the apply plan and `cj diff` say it. */
export function changeNeeds(kind: ChangeKind): string {
  return kind === 'policy' ? 'policy only' : 'replaces containers';
}
