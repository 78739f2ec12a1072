import { v4 as uuid } from 'uuid';
import type { EventStore } from '../port';
import { describeAppendSize } from './contract/append-size';
import { describeAppends } from './contract/appends';
import { describeBadInput } from './contract/bad-input';
import type { ContractFixture } from './contract/fixture';
import { describeReads } from './contract/reads';
import { describeRecords } from './contract/records';
import { describeSubscriptions } from './contract/subscriptions';

export interface OpenedEventStore {
  readonly store: EventStore;
  cleanup(): Promise<void>;
}

export interface ContractTimeouts {
  /** For `open` and `cleanup`, e.g. starting a server (default 120 s). */
  readonly openTimeoutMs?: number;
  /** For each test (default 30 s). */
  readonly testTimeoutMs?: number;
}

/**
 * Registers Jest tests for items 1-11 of the event store contract and the maximum append size against the store `open`
 * returns (opened once for the suite). Tests use stream names and event types of their own and
 * never assume an empty global log, so the suite also runs against a shared remote store.
 * Durability (item 12) depends on the engine: each adapter proves it in its own tests.
 */
export function describeEventStoreContract(
  name: string,
  open: () => Promise<OpenedEventStore>,
  { openTimeoutMs = 120_000, testTimeoutMs = 30_000 }: ContractTimeouts = {},
): void {
  describe(`${name}: event store contract`, () => {
    // A remote store answers slower than Jest's 5 s default allows; this applies to the calling file.
    jest.setTimeout(testTimeoutMs);
    let opened: OpenedEventStore | undefined;
    const run = uuid().slice(0, 8);
    let counter = 0;
    const fixture: ContractFixture = {
      store: () => {
        if (opened === undefined) throw new Error(`${name} did not open`);
        return opened.store;
      },
      streamName: (label) => `contract-${run}-${(counter += 1)}-${label}`,
      eventType: (label) => `${label}-${run}-${(counter += 1)}`,
    };

    beforeAll(async () => {
      opened = await open();
    }, openTimeoutMs);
    afterAll(async () => {
      await opened?.cleanup();
    }, openTimeoutMs);

    describeAppends(fixture);
    describeAppendSize(fixture);
    describeReads(fixture);
    describeSubscriptions(fixture);
    describeRecords(fixture);
    describeBadInput(fixture);
  });
}
