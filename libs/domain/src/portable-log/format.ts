/**
 * The portable log: an environment's events as NDJSON, readable by any cj store. One header line,
 * one line per event in log order, one trailer line whose checksum covers every line before it
 * (each with its newline), so a truncated or altered file is refused before anything is written.
 */

export const PORTABLE_LOG_FORMAT = 'cj-portable-log';
export const PORTABLE_LOG_VERSION = 1;

export interface PortableHeader {
  readonly kind: 'header';
  readonly format: typeof PORTABLE_LOG_FORMAT;
  readonly version: typeof PORTABLE_LOG_VERSION;
  /** The environment the events were read from. */
  readonly env: string;
  /** The identity (`storeId`) of the store they were read from, which each imported event names beside its source event. */
  readonly store: string;
  readonly exportedAt: string;
  /** The instant the export stopped at (`--as-of`), or null for everything. */
  readonly asOf: string | null;
  /** The source store's last global position when the export began (a decimal string). */
  readonly lastPosition: string;
}

/** One event as its source store recorded it; revision and position are decimal strings (bigints). */
export interface PortableEvent {
  readonly kind: 'event';
  readonly stream: string;
  readonly revision: string;
  readonly position: string;
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  /** As recorded, the hash-chain link (`chain`) included. */
  readonly metadata: Record<string, unknown>;
}

export interface PortableTrailer {
  readonly kind: 'trailer';
  readonly events: number;
  /** Hex SHA-256 over every line before the trailer, each followed by its newline. */
  readonly sha256: string;
}

/** The schema version an event's payload was written with: job and host events keep it in their metadata, rollout events in their data. */
export function schemaVersionOf(data: unknown, metadata: unknown): number {
  const fromMetadata = (metadata as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof fromMetadata === 'number') return fromMetadata;
  const fromData = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  return typeof fromData === 'number' ? fromData : 1;
}

export const headerLine = (header: Omit<PortableHeader, 'kind' | 'format' | 'version'>): string =>
  JSON.stringify({
    kind: 'header',
    format: PORTABLE_LOG_FORMAT,
    version: PORTABLE_LOG_VERSION,
    ...header,
  } satisfies PortableHeader);

export const eventLine = (event: Omit<PortableEvent, 'kind'>): string =>
  JSON.stringify({ kind: 'event', ...event } satisfies PortableEvent);

export const trailerLine = (events: number, sha256: string): string =>
  JSON.stringify({ kind: 'trailer', events, sha256 } satisfies PortableTrailer);
