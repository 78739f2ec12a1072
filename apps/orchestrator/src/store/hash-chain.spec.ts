import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore, type EventStore } from '@cj/event-store';
import { v5 as uuidv5 } from 'uuid';
import { ChainedEventStore, verifyChains } from './hash-chain';

const NAMESPACE = '6f1c2a3e-1d2b-4c5d-9e8f-0a1b2c3d4e5f';

/**
 * The hash chain on a real SQLite log: cj's writes are chained; a copy of the file altered with
 * plain SQL (an event rewritten, a row deleted, two rows of a stream swapped) fails verification,
 * which names the stream, the revision and what is wrong.
 */
describe('the hash chain of each stream', () => {
  let dir: string;
  let file: string;

  const revision = (job: string, n: number) => ({
    id: uuidv5(`${job}-${n}`, NAMESPACE),
    type: 'JobRevisionCreated',
    data: { job, revision: n, image: { tag: `v${n}` } },
    metadata: { actor: 'ana@laptop', reason: `release ${n}` },
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cj-chain-'));
    file = join(dir, 'cj.db');
    const store = new ChainedEventStore(openSqliteEventStore(file));
    for (const job of ['web', 'api']) {
      await store.append(`cj.prod.job.${job}`, [revision(job, 0), revision(job, 1)], 'no_stream');
      await store.append(`cj.prod.job.${job}`, [revision(job, 2)], 1n);
      await store.append(`cj.prod.job.${job}`, [revision(job, 3), revision(job, 4)], 'any');
    }
    await store.close();
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A copy of the log, changed with plain SQL as someone with the file could. */
  async function tampered(sql: string): Promise<Awaited<ReturnType<typeof verifyChains>>> {
    const copy = join(dir, `copy-${Math.random().toString(36).slice(2)}.db`);
    const source = new Database(file);
    source.pragma('wal_checkpoint(TRUNCATE)');
    source.close();
    copyFileSync(file, copy);
    const db = new Database(copy);
    db.exec(sql);
    db.close();
    const store: EventStore = openSqliteEventStore(copy);
    try {
      return await verifyChains(store, 'cj.');
    } finally {
      await store.close();
    }
  }

  it('every event cj appends carries a link to the previous one of its stream, and an untouched log verifies', async () => {
    const store = openSqliteEventStore(file);
    const events = await store.readStream('cj.prod.job.web');
    expect(events.map((e) => (e.metadata as { chain: { prev: string } }).chain.prev)).toEqual([
      '',
      ...events.slice(0, -1).map((e) => (e.metadata as { chain: { hash: string } }).chain.hash),
    ]);
    const report = await verifyChains(store, 'cj.');
    await store.close();
    expect(report).toEqual({ streams: 2, events: 10, unchained: 0, problems: [] });
  });

  it('a rewritten event (its tag and reason) is named as altered', async () => {
    const report = await tampered(
      `UPDATE events SET data = json_set(data, '$.image.tag', 'evil'), metadata = json_set(metadata, '$.reason', 'nothing to see')
       WHERE stream_id = 'cj.prod.job.web' AND revision = 2`,
    );
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'altered', stream: 'cj.prod.job.web', revision: '2' }),
    ]);
    expect(report.problems[0].message).toMatch(
      /^cj\.prod\.job\.web@2 \(position \d+, JobRevisionCreated\) was altered/,
    );
  });

  it('a deleted event is named as a missing revision', async () => {
    const report = await tampered(`DELETE FROM events WHERE stream_id = 'cj.prod.job.api' AND revision = 1`);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'missing-revision', stream: 'cj.prod.job.api', revision: '2' }),
    ]);
    expect(report.problems[0].message).toMatch(/^cj\.prod\.job\.api: revision 1 is missing/);
  });

  it('a deleted event whose successors were renumbered is named as a broken link', async () => {
    const report = await tampered(`
      DELETE FROM events WHERE stream_id = 'cj.prod.job.api' AND revision = 1;
      UPDATE events SET revision = revision - 1 WHERE stream_id = 'cj.prod.job.api' AND revision > 1;`);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'broken-link', stream: 'cj.prod.job.api', revision: '1' }),
    ]);
  });

  it('an event copied over another place in its stream (a reorder) is named where the order breaks', async () => {
    const report = await tampered(`
      UPDATE events SET data = (SELECT data FROM events WHERE stream_id = 'cj.prod.job.web' AND revision = 4),
                        metadata = (SELECT metadata FROM events WHERE stream_id = 'cj.prod.job.web' AND revision = 4),
                        event_id = '00000000-0000-4000-8000-000000000000'
       WHERE stream_id = 'cj.prod.job.web' AND revision = 3;`);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'broken-link', stream: 'cj.prod.job.web', revision: '3' }),
    ]);
  });
});
