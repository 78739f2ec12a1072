import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SubscriptionProbe } from '../testing';
import { openSqliteEventStore, type SqliteEventStore } from './sqlite-event-store';
import { integrityOf, WriterProcess } from './test/event-log-file';

jest.setTimeout(60_000);

describe('SqliteEventStore across processes', () => {
  let directory: string;
  let file: string;
  const opened: SqliteEventStore[] = [];
  const open = (): SqliteEventStore => {
    const store = openSqliteEventStore(file);
    opened.push(store);
    return store;
  };
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'cj-event-log-'));
    file = join(directory, 'events.db');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(directory, { recursive: true, force: true });
  });

  it('keeps every acknowledged append, whole, when the writing process is killed (SIGKILL)', async () => {
    const writer = new WriterProcess([file, 'cj.prod.job.web', 'killed', 0, 5, 'exact']);
    await writer.opened();
    writer.go();
    await writer.until('acknowledge 150 appends', () => writer.acknowledged.length >= 150);
    writer.kill();
    expect((await writer.outcome()).signal).toBe('SIGKILL');

    expect(integrityOf(file)).toBe('ok');
    const events = await open().readStream('cj.prod.job.web');
    expect(events.length % 5).toBe(0);
    expect(events.map((event) => event.revision)).toEqual(events.map((_, index) => BigInt(index)));
    const byRevision = new Map(events.map((event) => [event.revision, event.id]));
    for (const line of writer.acknowledged) {
      const [revision, id] = line.split(' ');
      expect(byRevision.get(BigInt(revision))).toBe(id);
    }
    expect(events.length).toBeGreaterThanOrEqual(writer.acknowledged.length * 5);
  });

  it('keeps revisions contiguous and the file intact when two processes append to one stream', async () => {
    const batches = 150;
    const store = open();
    const probe = new SubscriptionProbe();
    store.subscribeToAll({ filter: { streamPrefixes: ['cj.prod.'] } }, probe.handlers);
    // Each writer holds its last batch back until the other has written, so the two interleave.
    const writers = [
      ['first', 'second'],
      ['second', 'first'],
    ].map(([name, peer]) => new WriterProcess([file, 'cj.prod.job.web', name, batches, 2, 'exact', peer]));
    await Promise.all(writers.map((writer) => writer.opened()));
    for (const writer of writers) writer.go();
    for (const writer of writers) expect(await writer.outcome()).toEqual({ code: 0, signal: null, stderr: '' });

    const events = await store.readStream('cj.prod.job.web');
    expect(events).toHaveLength(2 * batches * 2);
    expect(events.map((event) => event.revision)).toEqual(events.map((_, index) => BigInt(index)));
    const writerOf = (index: number): string => (events[index].data as { writer: string }).writer;
    const turns = events.filter((_, index) => index > 0 && writerOf(index) !== writerOf(index - 1)).length;
    expect(turns).toBeGreaterThan(1);
    for (const name of ['first', 'second']) {
      const own = events.filter((event) => (event.data as { writer: string }).writer === name);
      expect(own.map((event) => (event.data as { batch: number }).batch)).toEqual(
        Array.from({ length: batches * 2 }, (_, index) => Math.floor(index / 2)),
      );
    }
    // The subscription saw the other processes' appends through polling, in commit order.
    await probe.untilCount(events.length);
    expect(probe.events.map((event) => event.id)).toEqual(events.map((event) => event.id));
    await store.close();
    expect(integrityOf(file)).toBe('ok');
  });
});
