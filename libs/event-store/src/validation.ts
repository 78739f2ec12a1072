import { validate as isUuid } from 'uuid';
import { EventStoreError } from './errors';
import type {
  EventData,
  EventFilter,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeToAllOptions,
  SubscribeToStreamOptions,
} from './port';

/**
 * Checks every adapter makes before it talks to its engine, so that a bad request fails the same
 * way on each: with the argument that is wrong, what was given and what is accepted.
 */
export class InvalidArgumentError extends EventStoreError {
  override readonly name = 'InvalidArgumentError';
  constructor(
    /** Where the bad value is, e.g. `events[2].id`. */
    readonly argument: string,
    problem: string,
  ) {
    super(`${argument}: ${problem}`);
  }
}

export function assertValidAppend(streamId: string, events: readonly EventData[], expected: ExpectedRevision): void {
  assertStreamId(streamId);
  assertExpectedRevision(expected);
  if (!Array.isArray(events)) {
    throw new InvalidArgumentError('events', `must be an array of events, got ${shown(events)}`);
  }
  events.forEach((event, index) => {
    const where = `events[${index}]`;
    if (typeof event !== 'object' || event === null) {
      throw new InvalidArgumentError(where, `must be an object with id, type and data, got ${shown(event)}`);
    }
    if (typeof event.id !== 'string' || !isUuid(event.id)) {
      throw new InvalidArgumentError(`${where}.id`, `must be a UUID (the idempotency key), got ${shown(event.id)}`);
    }
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new InvalidArgumentError(`${where}.type`, `must be a non-empty string, got ${shown(event.type)}`);
    }
    toJson(event.data, `${where}.data`);
    if (event.metadata !== undefined) toJson(event.metadata, `${where}.metadata`);
  });
}

export function assertValidReadStream(streamId: string, options: ReadStreamOptions): void {
  assertStreamId(streamId);
  assertDirection(options.direction);
  assertStart(options.fromRevision, 'fromRevision', 'revision');
  assertMaxCount(options.maxCount);
}

export function assertValidReadAll(options: ReadAllOptions): void {
  assertDirection(options.direction);
  assertStart(options.fromPosition, 'fromPosition', 'position');
  assertMaxCount(options.maxCount);
  assertFilter(options.filter);
}

export function assertValidSubscribeToAll(options: SubscribeToAllOptions): void {
  assertStart(options.fromPosition, 'fromPosition', 'position');
  assertFilter(options.filter);
}

export function assertValidSubscribeToStream(streamId: string, options: SubscribeToStreamOptions): void {
  assertStreamId(streamId);
  assertStart(options.fromRevision, 'fromRevision', 'revision');
}

/** Serialises event data or metadata, or says which event holds a value JSON cannot carry. */
export function toJson(value: unknown, where: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new InvalidArgumentError(where, `cannot be serialised as JSON (${(error as Error).message})`);
  }
  if (json === undefined) {
    throw new InvalidArgumentError(where, `cannot be serialised as JSON (got ${shown(value)}); use null for no data`);
  }
  return json;
}

function assertStreamId(streamId: unknown): void {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new InvalidArgumentError('streamId', `must be a non-empty string, got ${shown(streamId)}`);
  }
}

function assertExpectedRevision(expected: unknown): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected === 'bigint' && expected >= 0n) return;
  const hint = expected === -1n ? "; use 'no_stream' to require an empty stream" : '';
  throw new InvalidArgumentError(
    'expectedRevision',
    `must be 'any', 'no_stream', 'stream_exists' or a revision >= 0n (a bigint), got ${shown(expected)}${hint}`,
  );
}

function assertDirection(direction: unknown): void {
  if (direction === undefined || direction === 'forwards' || direction === 'backwards') return;
  throw new InvalidArgumentError('direction', `must be 'forwards' or 'backwards', got ${shown(direction)}`);
}

function assertStart(start: unknown, argument: string, what: string): void {
  if (start === undefined || start === 'start' || start === 'end') return;
  if (typeof start === 'bigint' && start >= 0n) return;
  throw new InvalidArgumentError(argument, `must be 'start', 'end' or a ${what} >= 0n (a bigint), got ${shown(start)}`);
}

function assertMaxCount(maxCount: unknown): void {
  if (maxCount === undefined || (Number.isSafeInteger(maxCount) && (maxCount as number) >= 0)) return;
  throw new InvalidArgumentError('maxCount', `must be a whole number >= 0, got ${shown(maxCount)}`);
}

function assertFilter(filter: EventFilter | undefined): void {
  if (filter === undefined) return;
  assertStrings(filter.streamPrefixes, 'filter.streamPrefixes');
  assertStrings(filter.eventTypes, 'filter.eventTypes');
}

function assertStrings(values: unknown, argument: string): void {
  if (values === undefined) return;
  if (Array.isArray(values) && values.every((value) => typeof value === 'string' && value.length > 0)) return;
  throw new InvalidArgumentError(argument, `must be a list of non-empty strings, got ${shown(values)}`);
}

function shown(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined || value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
