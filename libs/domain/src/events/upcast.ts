import type { HealthStatus } from '../job/events';
import type { RolloutEvent } from '../rollout/events';
import {
  CURRENT_SCHEMA_VERSION,
  isDomainEventType,
  isRolloutEventType,
  type DomainEvent,
  type RecordedEventType,
} from './domain-event';
import type { EventMetadata } from './metadata';

/** An event as read back from the store, in whatever schema version it was written. */
export interface StoredEvent {
  readonly type: string;
  /** Absent on events written before versions were recorded: version 1. */
  readonly schemaVersion?: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export class UnknownEventTypeError extends Error {
  override readonly name = 'UnknownEventTypeError';

  constructor(readonly type: string) {
    super(`unknown event type "${type}": this cj is older than the store; upgrade cj to read it`);
  }
}

export class UnsupportedSchemaVersionError extends Error {
  override readonly name = 'UnsupportedSchemaVersionError';

  constructor(
    readonly type: string,
    readonly schemaVersion: number,
  ) {
    super(
      `${type} version ${schemaVersion} is newer than this cj understands (version ${CURRENT_SCHEMA_VERSION[type as RecordedEventType]}); upgrade cj`,
    );
  }
}

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/**
 * Per type, the step from version n (the key) to n + 1, given the envelope's `data`: a job's or a
 * host's as stored, a rollout's the stored flat event's other fields than `type` and `schemaVersion`.
 */
const UPCASTERS: { readonly [T in RecordedEventType]?: Readonly<Record<number, Upcaster>> } = {
  TaskHealthChanged: {
    // v1 recorded only the new state as a boolean; the state before was not kept.
    1: ({ healthy, ...rest }) => ({
      ...rest,
      from: 'unknown' satisfies HealthStatus,
      to: (healthy ? 'healthy' : 'unhealthy') satisfies HealthStatus,
    }),
  },
};

/** Brings a payload of `type` written at `version` (1 when absent) to the current schema, one version step at a time. */
function toCurrentSchema(
  type: RecordedEventType,
  written: number | undefined,
  data: Record<string, unknown>,
): { schemaVersion: number; data: Record<string, unknown> } {
  const current: number = CURRENT_SCHEMA_VERSION[type];
  let version = written ?? 1;
  if (version > current) throw new UnsupportedSchemaVersionError(type, version);
  for (; version < current; version++) data = UPCASTERS[type]![version](data);
  return { schemaVersion: current, data };
}

/** Brings a stored job or host event to the current schema of its type. */
export function upcast(stored: StoredEvent): DomainEvent {
  if (!isDomainEventType(stored.type)) throw new UnknownEventTypeError(stored.type);
  const { schemaVersion, data } = toCurrentSchema(
    stored.type,
    stored.schemaVersion,
    stored.data as Record<string, unknown>,
  );
  return { type: stored.type, schemaVersion, data, metadata: stored.metadata } as DomainEvent;
}

/**
 * Brings a stored rollout event to the current schema of its type, in its envelope. A rollout's
 * stream stores the whole flat event as the record's data, its schema version among its fields
 * (see `storedRolloutEvent`).
 */
export function upcastRolloutEvent(stored: { readonly type: string; readonly data: unknown }): RolloutEvent {
  if (!isRolloutEventType(stored.type)) throw new UnknownEventTypeError(stored.type);
  const { type: _type, schemaVersion: written, ...fields } = stored.data as Record<string, unknown>;
  const { schemaVersion, data } = toCurrentSchema(
    stored.type,
    typeof written === 'number' ? written : undefined,
    fields,
  );
  return { type: stored.type, schemaVersion, data } as RolloutEvent;
}
