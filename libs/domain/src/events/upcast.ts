import { CURRENT_SCHEMA_VERSION, type DomainEvent, type DomainEventType } from './domain-event';
import type { HealthStatus } from '../job/events';
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
      `${type} version ${schemaVersion} is newer than this cj understands (version ${CURRENT_SCHEMA_VERSION[type as DomainEventType]}); upgrade cj`,
    );
  }
}

type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** Per type, the step from version n (the key) to n + 1. */
const UPCASTERS: { readonly [T in DomainEventType]?: Readonly<Record<number, Upcaster>> } = {
  TaskHealthChanged: {
    // v1 recorded only the new state as a boolean; the state before was not kept.
    1: ({ healthy, ...rest }) => ({
      ...rest,
      from: 'unknown' satisfies HealthStatus,
      to: (healthy ? 'healthy' : 'unhealthy') satisfies HealthStatus,
    }),
  },
};

/** Brings a stored event to the current schema of its type, one version step at a time. */
export function upcast(stored: StoredEvent): DomainEvent {
  if (!Object.hasOwn(CURRENT_SCHEMA_VERSION, stored.type)) throw new UnknownEventTypeError(stored.type);
  const type = stored.type as DomainEventType;
  const current = CURRENT_SCHEMA_VERSION[type];
  let version = stored.schemaVersion ?? 1;
  if (version > current) throw new UnsupportedSchemaVersionError(type, version);
  let data = stored.data as Record<string, unknown>;
  for (; version < current; version++) data = UPCASTERS[type]![version](data);
  return { type, schemaVersion: current, data, metadata: stored.metadata } as DomainEvent;
}
