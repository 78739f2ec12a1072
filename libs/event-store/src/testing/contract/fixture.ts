import { v4 as uuid } from 'uuid';
import { WrongExpectedVersionError } from '../../errors';
import type { EventData, EventStore, ExpectedRevision } from '../../port';

/** What each part of the contract suite gets: the store under test and unique names. */
export interface ContractFixture {
  readonly store: () => EventStore;
  /** A stream name no other test (nor an earlier run against the same store) uses. */
  readonly streamName: (label: string) => string;
  /** An event type no other test uses, for type filters over a shared global log. */
  readonly eventType: (label: string) => string;
}

export function newEvent(type = 'ContractTested', data: unknown = { at: 'test' }, metadata?: unknown): EventData {
  return { id: uuid(), type, data, metadata };
}

export function newEvents(count: number, type = 'ContractTested'): EventData[] {
  return Array.from({ length: count }, (_, index) => newEvent(type, { index }));
}

/** The rejection of `attempt`, failing the test if it resolved. */
export async function rejectionOf(attempt: Promise<unknown>): Promise<unknown> {
  try {
    await attempt;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be rejected, but it resolved');
}

export async function expectWrongExpectedVersion(
  attempt: Promise<unknown>,
  streamId: string,
  expected: ExpectedRevision,
  actual: bigint | 'no_stream',
): Promise<void> {
  const error = await rejectionOf(attempt);
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  expect(error).toMatchObject({ streamId, expected, actual });
}

export function range(count: number, from = 0n): bigint[] {
  return Array.from({ length: count }, (_, index) => from + BigInt(index));
}
