/**
 * A writer process for the crash and multi-process tests:
 *   append-loop FILE STREAM WRITER BATCHES BATCH_SIZE MODE [PEER]
 * appends BATCHES batches (0 = until killed) of BATCH_SIZE events to STREAM, with expected
 * revision 'any' or, in mode `exact`, the revision it last read (re-reading after a conflict).
 * With PEER, it holds its last batch back until the stream holds an event of writer PEER, so
 * that two writers started together are sure to interleave, however the scheduler runs them.
 * It prints "ready" once the store is open and starts when a line arrives on stdin, so that
 * several writers can be started together. After each acknowledged append it prints
 * "<last revision> <id of its last event>".
 */
import { once } from 'node:events';
import { v4 as uuid } from 'uuid';
import { StreamNotFoundError, WrongExpectedVersionError } from '../../errors';
import type { EventData, ExpectedRevision } from '../../port';
import { openSqliteEventStore, type SqliteEventStore } from '../sqlite-event-store';

async function main(): Promise<void> {
  const [file, stream, writer, batchesArgument, batchSizeArgument, mode, peer] = process.argv.slice(2);
  const batches = Number(batchesArgument) || Infinity;
  const batchSize = Number(batchSizeArgument);
  const store = openSqliteEventStore(file, { busyTimeoutMs: 20_000 });
  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
  for (let batch = 0; batch < batches; batch += 1) {
    if (peer && batch === batches - 1) await untilWritten(store, stream, peer);
    const events: EventData[] = Array.from({ length: batchSize }, (_, index) => ({
      id: uuid(),
      type: 'Appended',
      data: { writer, batch, index },
    }));
    const revision = await appendBatch(store, stream, events, mode === 'exact');
    process.stdout.write(`${revision} ${events[events.length - 1].id}\n`);
  }
  await store.close();
  process.stdin.destroy();
}

async function appendBatch(
  store: SqliteEventStore,
  stream: string,
  events: EventData[],
  exact: boolean,
): Promise<bigint> {
  for (;;) {
    const expected: ExpectedRevision = exact ? await lastRevision(store, stream) : 'any';
    try {
      return (await store.append(stream, events, expected)).nextExpectedRevision;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
  }
}

async function untilWritten(store: SqliteEventStore, stream: string, writer: string): Promise<void> {
  const hasWritten = (data: unknown): boolean => (data as { writer?: string }).writer === writer;
  while (!(await store.readStream(stream)).some((event) => hasWritten(event.data))) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function lastRevision(store: SqliteEventStore, stream: string): Promise<ExpectedRevision> {
  try {
    const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    return last.revision;
  } catch (error) {
    if (error instanceof StreamNotFoundError) return 'no_stream';
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
