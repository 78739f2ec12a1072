import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v4 as uuid } from 'uuid';
import type { EventData } from '../port';
import { InvalidArgumentError } from '../validation';
import { describeEventStoreContract, pause, SubscriptionProbe } from '../testing';
import { DuplicateEventIdError, EventLogUnavailableError, EventStoreClosedError } from './errors';
import { openSqliteEventStore, type SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store';

describeEventStoreContract('SqliteEventStore', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'cj-event-log-'));
  const store = openSqliteEventStore(join(directory, 'events.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});

describe('SqliteEventStore', () => {
  let directory: string;
  let file: string;
  const opened: SqliteEventStore[] = [];
  const open = (options?: SqliteEventStoreOptions): SqliteEventStore => {
    const store = openSqliteEventStore(file, options);
    opened.push(store);
    return store;
  };
  const event = (id = uuid()): EventData => ({ id, type: 'TaskStarted', data: { task: 'web-1' } });
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'cj-event-log-'));
    file = join(directory, 'events.db');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(directory, { recursive: true, force: true });
  });

  it('opens the log in WAL mode with synchronous=FULL and a busy timeout', () => {
    expect(open({ busyTimeoutMs: 1234 }).settings).toEqual({ journalMode: 'wal', synchronous: 2, busyTimeoutMs: 1234 });
  });

  it('rejects a poll interval or busy timeout that is not a positive whole number', () => {
    expect(() => open({ pollIntervalMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => open({ busyTimeoutMs: 2.5 })).toThrow(/busyTimeoutMs/);
  });

  describe('appendToStreams', () => {
    it('writes every stream in one transaction: one failed check writes none of them', async () => {
      const store = open();
      await store.append('cj.prod.job.api', [event()], 'no_stream');

      await expect(
        store.appendToStreams([
          { streamId: 'cj.prod.host.h1', events: [event()], expected: 'no_stream' },
          { streamId: 'cj.prod.job.web', events: [event(), event()], expected: 'no_stream' },
          { streamId: 'cj.prod.job.api', events: [event()], expected: 'no_stream' },
        ]),
      ).rejects.toThrow(/cj.prod.job.api/);
      expect((await store.readAll()).map((recorded) => recorded.streamId)).toEqual(['cj.prod.job.api']);
    });

    it('answers each part as append would, and a retry of the same parts writes nothing more', async () => {
      const store = open();
      const parts = [
        { streamId: 'cj.prod.host.h1', events: [event()], expected: 'no_stream' as const },
        { streamId: 'cj.prod.job.web', events: [event(), event()], expected: 'no_stream' as const },
      ];

      const first = await store.appendToStreams(parts);
      const again = await store.appendToStreams(parts);

      expect(first.map((result) => result.nextExpectedRevision)).toEqual([0n, 1n]);
      expect(again).toEqual(first);
      expect(await store.readAll()).toHaveLength(3);
    });
  });

  it('keeps events, positions and creation times across a reopen', async () => {
    const created = new Date('2015-06-01T10:00:00.000Z');
    const first = open({ now: () => created });
    await first.append('cj.prod.job.web', [event(), event()], 'no_stream');
    const before = await first.readAll();
    await first.close();
    const after = await open().readAll();
    expect(after).toEqual(before);
    expect(after.map((recorded) => recorded.created)).toEqual([created, created]);
  });

  it('keeps an event id unique within its stream for ever, writing nothing of the append that reuses it', async () => {
    const store = open();
    const reused = uuid();
    await store.append('cj.prod.job.web', [event(reused), event()], 'no_stream');
    await store.append('cj.prod.job.web', [event()], 1n);
    const error = await store
      .append('cj.prod.job.web', [event(), event(reused)], 2n)
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(DuplicateEventIdError);
    expect(error).toMatchObject({ streamId: 'cj.prod.job.web', eventId: reused, revision: 0n });
    const twice = uuid();
    await expect(store.append('cj.prod.job.web', [event(twice), event(twice)], 2n)).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
    expect(await store.readStream('cj.prod.job.web')).toHaveLength(3);
  });

  it('compares event ids regardless of letter case', async () => {
    const store = open();
    const id = uuid();
    const first = await store.append('cj.prod.job.web', [event(id)], 'no_stream');
    expect(await store.append('cj.prod.job.web', [event(id.toUpperCase())], 'no_stream')).toEqual(first);
  });

  it("delivers another connection's appends to a subscription by polling", async () => {
    const reader = open({ pollIntervalMs: 20 });
    const writer = open();
    const probe = new SubscriptionProbe();
    reader.subscribeToStream('cj.prod.job.web', {}, probe.handlers);
    await probe.until('caught up', () => probe.caughtUpAfter.length > 0);
    await writer.append('cj.prod.job.web', [event(), event()], 'no_stream');
    await probe.untilCount(2, 2_000);
    expect(probe.revisions).toEqual([0n, 1n]);
  });

  it('closes after running handlers finish, ends subscriptions, and refuses further use', async () => {
    const store = open();
    let handled = 0;
    const probe = new SubscriptionProbe(async () => {
      await pause(50);
      handled += 1;
    });
    store.subscribeToAll({}, probe.handlers);
    await store.append('cj.prod.job.web', [event()], 'no_stream');
    await probe.untilCount(1);
    await store.close();
    expect(handled).toBe(1);
    await store.close();
    await expect(store.append('cj.prod.job.web', [event()], 'any')).rejects.toBeInstanceOf(EventStoreClosedError);
    await expect(store.readAll()).rejects.toBeInstanceOf(EventStoreClosedError);
    expect(() => store.subscribeToAll({}, probe.handlers)).toThrow(EventStoreClosedError);
  });

  it("hands a handler's own SQLite error to onError as it is, not as a failure of the event log", async () => {
    const store = open();
    const readModel = new Database(':memory:');
    const failures: Error[] = [];
    store.subscribeToAll(
      {},
      {
        onEvent: () => {
          readModel.prepare('SELECT * FROM no_such_table').run();
        },
        onError: (error) => failures.push(error),
      },
    );
    await store.append('cj.prod.job.web', [event()], 'no_stream');
    for (let waited = 0; failures.length === 0 && waited < 2_000; waited += 10) await pause(10);
    readModel.close();
    expect(failures).toHaveLength(1);
    expect(failures[0]).not.toBeInstanceOf(EventLogUnavailableError);
    // better-sqlite3's native part makes its errors in the first realm that loaded it, so under
    // Jest a later test file may see one only as its text: the handler's own words, either way.
    expect(String(failures[0].message)).toMatch(/^(SqliteError: )?no such table: no_such_table$/);
  });

  it('takes its maximum append size from maxAppendSize, and refuses one that is not a number of bytes', async () => {
    const store = open({ maxAppendSize: 100 });
    // type 11 + data 16 ({"task":"web-1"}) = 27 bytes an event: three fit, four do not
    await expect(store.append('cj.prod.job.web', [event(), event(), event()], 'no_stream')).resolves.toMatchObject({
      nextExpectedRevision: 2n,
    });
    await expect(store.append('cj.prod.job.web', [event(), event(), event(), event()], 'any')).rejects.toMatchObject({
      name: 'MaximumAppendSizeExceededError',
      maxAppendSize: 100,
      size: 108,
    });
    expect(await store.readStream('cj.prod.job.web')).toHaveLength(3);
    expect(() => open({ maxAppendSize: 0 })).toThrow(/maxAppendSize: must be a whole number of bytes/);
  });
});
