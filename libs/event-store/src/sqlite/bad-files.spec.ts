import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v4 as uuid } from 'uuid';
import type { EventData } from '../port';
import {
  CorruptEventLogError,
  EventLogDiskFullError,
  EventLogReadOnlyError,
  EventLogUnavailableError,
  NotAnEventLogError,
} from './errors';
import { openSqliteEventStore, type SqliteEventStore } from './sqlite-event-store';
import { fingerprint, integrityOf, mountTmpfs, remount, unmount } from './test/event-log-file';

const event = (data: unknown = { job: 'web' }): EventData => ({ id: uuid(), type: 'JobRevisionCreated', data });

function failureOf(attempt: () => unknown): unknown {
  try {
    attempt();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('SqliteEventStore on a bad file', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'cj-event-log-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  async function logWithEvents(file: string, count: number): Promise<void> {
    const store = openSqliteEventStore(file);
    await store.append(
      'cj.prod.job.web',
      Array.from({ length: count }, () => event({ padding: 'x'.repeat(300) })),
      'no_stream',
    );
    await store.close();
  }

  it('refuses a text file with a typed error and leaves it as it was', () => {
    const file = join(directory, 'jobs.yaml');
    writeFileSync(file, 'jobs:\n  - name: webhook-listener\n    image: webhook-listener:a5af2f2\n');
    const before = fingerprint(file);
    const error = failureOf(() => openSqliteEventStore(file));
    expect(error).toBeInstanceOf(NotAnEventLogError);
    expect(error).toMatchObject({ file, message: expect.stringContaining('not an SQLite database') });
    expect(fingerprint(file)).toBe(before);
  });

  it('refuses a log whose header is damaged, and leaves it as it was', async () => {
    const file = join(directory, 'events.db');
    await logWithEvents(file, 20);
    overwrite(file, 0, Buffer.from('garbage, not SQLite'));
    const before = fingerprint(file);
    expect(failureOf(() => openSqliteEventStore(file))).toBeInstanceOf(NotAnEventLogError);
    expect(fingerprint(file)).toBe(before);
  });

  it('reports damaged pages as CorruptEventLogError naming the file, and leaves the log as it was', async () => {
    const file = join(directory, 'events.db');
    await logWithEvents(file, 200);
    // Page 2 is the root of the events table: scribble over it.
    overwrite(file, 4096 + 8, Buffer.alloc(2000, 0xa5));
    const before = fingerprint(file);
    const store = openSqliteEventStore(file);
    try {
      const reading = await store.readAll().catch((error: unknown) => error);
      expect(reading).toBeInstanceOf(CorruptEventLogError);
      expect(reading).toMatchObject({ file, message: expect.stringContaining('restore it') });
      await expect(store.append('cj.prod.job.web', [event()], 'any')).rejects.toBeInstanceOf(CorruptEventLogError);
    } finally {
      await store.close();
    }
    expect(fingerprint(file)).toBe(before);
  });

  it('refuses an SQLite database that belongs to another program', () => {
    const file = join(directory, 'inventory.db');
    const other = new Database(file);
    other.exec('CREATE TABLE hosts (name TEXT)');
    other.close();
    const error = failureOf(() => openSqliteEventStore(file));
    expect(error).toBeInstanceOf(NotAnEventLogError);
    expect((error as Error).message).toContain('another program');
  });

  it('says so when the directory does not exist', () => {
    const file = join(directory, 'missing', 'events.db');
    const error = failureOf(() => openSqliteEventStore(file));
    expect(error).toBeInstanceOf(EventLogUnavailableError);
    expect((error as Error).message).toContain('does not exist');
  });

  describe('on a read-only file system', () => {
    let mounted: string;
    beforeEach(() => {
      mounted = join(directory, 'ro');
      mkdirSync(mounted);
      mountTmpfs(mounted, '4m');
    });
    afterEach(() => unmount(mounted));

    it('refuses to create a log there', () => {
      remount(mounted, 'ro');
      const error = failureOf(() => openSqliteEventStore(join(mounted, 'events.db')));
      expect(error).toBeInstanceOf(EventLogReadOnlyError);
      expect((error as Error).message).toContain('read-only file system');
    });

    it('refuses to open an existing log there, and the log is intact once writable again', async () => {
      const file = join(mounted, 'events.db');
      await logWithEvents(file, 3);
      remount(mounted, 'ro');
      expect(failureOf(() => openSqliteEventStore(file))).toBeInstanceOf(EventLogReadOnlyError);
      remount(mounted, 'rw');
      const store = openSqliteEventStore(file);
      expect(await store.readStream('cj.prod.job.web')).toHaveLength(3);
      await store.close();
    });
  });

  describe('on a full disk', () => {
    let mounted: string;
    let store: SqliteEventStore | undefined;
    beforeAll(() => {
      mounted = mkdtempSync(join(tmpdir(), 'cj-full-disk-'));
      mountTmpfs(mounted, '512k');
    });
    afterAll(async () => {
      await store?.close();
      unmount(mounted);
      rmSync(mounted, { recursive: true, force: true });
    });

    it('raises EventLogDiskFullError and keeps every acknowledged event', async () => {
      const file = join(mounted, 'events.db');
      store = openSqliteEventStore(file);
      const acknowledged: string[] = [];
      let failure: unknown;
      for (let attempt = 0; attempt < 200 && failure === undefined; attempt += 1) {
        const batch = [event({ chunk: 'x'.repeat(30_000) })];
        try {
          await store.append('cj.prod.job.web', batch, 'any');
          acknowledged.push(batch[0].id);
        } catch (error) {
          failure = error;
        }
      }
      expect(failure).toBeInstanceOf(EventLogDiskFullError);
      expect(failure).toMatchObject({ file, message: expect.stringContaining('Free space and retry') });
      expect(acknowledged.length).toBeGreaterThan(0);
      const ids = async (): Promise<string[]> =>
        (await store!.readStream('cj.prod.job.web')).map((recorded) => recorded.id);
      expect(await ids()).toEqual(acknowledged);
      await store.close();
      store = openSqliteEventStore(file);
      expect(await ids()).toEqual(acknowledged);
      expect(integrityOf(file)).toBe('ok');
    });
  });
});

function overwrite(file: string, offset: number, bytes: Buffer): void {
  const descriptor = openSync(file, 'r+');
  try {
    writeSync(descriptor, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(descriptor);
  }
}
