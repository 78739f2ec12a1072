/**
 * Throughput of the embedded event store beside raw better-sqlite3 doing the same work with the
 * same pragmas (WAL, synchronous=FULL) on the same disk, so the store's own overhead shows. Each
 * workload runs on the store and then raw, back to back, so both see the same machine load.
 * Usage: event-store [directory]  (default: a new directory under the system temp dir)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v4 as uuid } from 'uuid';
import { openSqliteEventStore, type EventData, type SqliteEventStore } from '@cj/event-store';
import { rate } from './rate';

const SINGLE_APPENDS = 2_000;
const BATCHES = 200;
const BATCH_SIZE = 100;
const TOTAL_EVENTS = SINGLE_APPENDS + BATCHES * BATCH_SIZE;
const READ_ROUNDS = 5;

/** The same row shape and constraints as the store's events table. */
const RAW_SCHEMA = `
  CREATE TABLE events (
    position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
    event_id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT, created INTEGER NOT NULL,
    UNIQUE (stream_id, revision), UNIQUE (stream_id, event_id)
  ) STRICT`;

interface Workload {
  readonly name: string;
  readonly unit: string;
  /** How many appends or events one run handles. */
  readonly count: number;
  readonly rounds: number;
  readonly store: () => Promise<void>;
  readonly raw: () => void;
}

function newEvent(index: number): EventData {
  return {
    id: uuid(),
    type: 'TaskHealthChecked',
    data: { job: 'webhook-listener', task: `webhook-listener-${index % 4}`, healthy: true, latencyMs: 12 },
    metadata: { actor: 'orchestrator', correlationId: uuid() },
  };
}

function openRaw(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(RAW_SCHEMA);
  return db;
}

function workloads(store: SqliteEventStore, db: Database.Database): Workload[] {
  const insert = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const appendRaw = db.transaction((stream: string, firstRevision: number, events: EventData[]) =>
    events.forEach((event, index) =>
      insert.run(
        stream,
        firstRevision + index,
        event.id,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        Date.now(),
      ),
    ),
  );
  const selectAll = db.prepare('SELECT * FROM events ORDER BY position').safeIntegers(true);
  const batchOf = (): EventData[] => Array.from({ length: BATCH_SIZE }, (_, index) => newEvent(index));
  return [
    {
      name: 'durable single-event appends',
      unit: 'appends/s',
      count: SINGLE_APPENDS,
      rounds: 1,
      store: async () => {
        for (let index = 0; index < SINGLE_APPENDS; index += 1) {
          await store.append('cj.bench.job.single', [newEvent(index)], index === 0 ? 'no_stream' : BigInt(index - 1));
        }
      },
      raw: () => {
        for (let index = 0; index < SINGLE_APPENDS; index += 1)
          appendRaw.immediate('cj.bench.job.single', index, [newEvent(index)]);
      },
    },
    {
      name: `${BATCH_SIZE}-event batch appends`,
      unit: 'appends/s',
      count: BATCHES,
      rounds: 1,
      store: async () => {
        for (let batch = 0; batch < BATCHES; batch += 1) {
          await store.append(
            'cj.bench.job.batch',
            batchOf(),
            batch === 0 ? 'no_stream' : BigInt(batch * BATCH_SIZE - 1),
          );
        }
      },
      raw: () => {
        for (let batch = 0; batch < BATCHES; batch += 1)
          appendRaw.immediate('cj.bench.job.batch', batch * BATCH_SIZE, batchOf());
      },
    },
    {
      name: 'full global-log read',
      unit: 'events/s',
      count: TOTAL_EVENTS,
      rounds: READ_ROUNDS,
      store: async () => {
        if ((await store.readAll()).length !== TOTAL_EVENTS)
          throw new Error('the store lost events during the benchmark');
      },
      raw: () => {
        const rows = selectAll.all() as { data: string; metadata: string; created: bigint }[];
        const events = rows.map((row) => ({
          ...row,
          data: JSON.parse(row.data),
          metadata: JSON.parse(row.metadata),
          created: new Date(Number(row.created)),
        }));
        if (events.length !== TOTAL_EVENTS) throw new Error('the raw table lost rows during the benchmark');
      },
    },
  ];
}

async function main(): Promise<void> {
  const directory = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'cj-bench-'));
  const store = openSqliteEventStore(join(directory, 'store.db'));
  const db = openRaw(join(directory, 'raw.db'));
  try {
    const rows = [];
    for (const workload of workloads(store, db)) {
      const ours = await rate(workload.count, workload.rounds, workload.store);
      const raw = await rate(workload.count, workload.rounds, workload.raw);
      rows.push({
        workload: workload.name,
        unit: workload.unit,
        'cj store': Math.round(ours),
        'raw better-sqlite3': Math.round(raw),
        'store / raw': `${((ours / raw) * 100).toFixed(0)}%`,
      });
    }
    console.log(`event store benchmark in ${directory} (WAL, synchronous=FULL)`);
    console.table(rows);
  } finally {
    await store.close();
    db.close();
    if (process.argv[2] === undefined) rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
