/**
 * Throughput of the EventStoreDB adapter, through the real client and gRPC, against the test
 * server, beside the embedded SQLite store used directly in the same run. The test server stores
 * through the same SQLite store, so the difference is the cost of the client, the wire and the
 * adapter. Each workload runs on both, back to back, so both see the same machine load.
 * Usage: esdb [directory]  (default: a new directory under the system temp dir)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v4 as uuid } from 'uuid';
import { EventStoreDbStore, openSqliteEventStore, type EventData, type EventStore } from '@cj/event-store';
// Test-only, so the production build leaves it out; importing it here compiles it for the benchmark.
import { startEsdbTestServer } from '@cj/event-store/esdb-test-server';
import { rate } from './rate';

const SINGLE_APPENDS = 1_000;
const BATCHES = 100;
const BATCH_SIZE = 100;
const TOTAL_EVENTS = SINGLE_APPENDS + BATCHES * BATCH_SIZE;
const READ_ROUNDS = 5;

interface Workload {
  readonly name: string;
  readonly unit: string;
  readonly count: number;
  readonly rounds: number;
  readonly run: (store: EventStore) => Promise<void>;
}

function newEvent(index: number): EventData {
  return {
    id: uuid(),
    type: 'TaskHealthChecked',
    data: { job: 'webhook-listener', task: `webhook-listener-${index % 4}`, healthy: true, latencyMs: 12 },
    metadata: { actor: 'orchestrator', correlationId: uuid() },
  };
}

const workloads: Workload[] = [
  {
    name: 'sequential single-event appends',
    unit: 'appends/s',
    count: SINGLE_APPENDS,
    rounds: 1,
    run: async (store) => {
      for (let index = 0; index < SINGLE_APPENDS; index += 1) {
        await store.append('cj.bench.job.single', [newEvent(index)], index === 0 ? 'no_stream' : BigInt(index - 1));
      }
    },
  },
  {
    name: `${BATCH_SIZE}-event batch appends`,
    unit: 'appends/s',
    count: BATCHES,
    rounds: 1,
    run: async (store) => {
      for (let batch = 0; batch < BATCHES; batch += 1) {
        const events = Array.from({ length: BATCH_SIZE }, (_, index) => newEvent(index));
        await store.append('cj.bench.job.batch', events, batch === 0 ? 'no_stream' : BigInt(batch * BATCH_SIZE - 1));
      }
    },
  },
  {
    name: 'full global-log read',
    unit: 'events/s',
    count: TOTAL_EVENTS,
    rounds: READ_ROUNDS,
    run: async (store) => {
      if ((await store.readAll()).length !== TOTAL_EVENTS)
        throw new Error('the store lost events during the benchmark');
    },
  },
];

async function main(): Promise<void> {
  const directory = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'cj-bench-esdb-'));
  const server = await startEsdbTestServer({ file: join(directory, 'server.db') });
  const adapter = new EventStoreDbStore(server.url);
  const embedded = openSqliteEventStore(join(directory, 'embedded.db'));
  try {
    const rows = [];
    for (const workload of workloads) {
      const overGrpc = await rate(workload.count, workload.rounds, () => workload.run(adapter));
      const direct = await rate(workload.count, workload.rounds, () => workload.run(embedded));
      rows.push({
        workload: workload.name,
        unit: workload.unit,
        'EventStoreDB adapter → test server': Math.round(overGrpc),
        'embedded SQLite store': Math.round(direct),
        'adapter / embedded': `${((overGrpc / direct) * 100).toFixed(0)}%`,
      });
    }
    console.log(
      `EventStoreDB adapter benchmark in ${directory} (test server on ${server.url}, SQLite WAL, synchronous=FULL)`,
    );
    console.table(rows);
  } finally {
    await adapter.close();
    await server.stop();
    await embedded.close();
    if (process.argv[2] === undefined) rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
