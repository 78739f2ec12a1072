import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v4 as uuid } from 'uuid';
import type { EventData } from '../port';
import { SubscriptionProbe } from '../testing';
import { startEsdbTestServer, type EsdbTestServer } from '../testing/esdb-server';
import { EventStoreDbStore } from './esdb-store';
import { EventStoreUnavailableError } from './errors';

function events(count: number, type = 'TaskStarted'): EventData[] {
  return Array.from({ length: count }, (_, index) => ({ id: uuid(), type, data: { index } }));
}

async function appendOnceReachable(store: EventStoreDbStore, streamId: string, batch: EventData[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await store.append(streamId, batch, 'no_stream');
      return;
    } catch (error) {
      if (!(error instanceof EventStoreUnavailableError) || attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('EventStoreDB adapter: a subscription survives a server restart', () => {
  let dir: string;
  let file: string;
  let server: EsdbTestServer;
  let store: EventStoreDbStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'esdb-reconnect-'));
    file = join(dir, 'events.db');
    server = await startEsdbTestServer({ file });
    store = new EventStoreDbStore(server.url, { reconnect: { initialDelayMs: 50, maxDelayMs: 200 } });
  });

  afterEach(async () => {
    await store.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function restart(duringDowntime?: () => Promise<void>): Promise<void> {
    const port = server.port;
    await server.stop();
    await duringDowntime?.();
    server = await startEsdbTestServer({ file, port });
  }

  it.each([
    ['a stream', (probe: SubscriptionProbe) => store.subscribeToStream('cj.prod.job.web', {}, probe.handlers)],
    [
      '$all, filtered by prefix',
      (probe: SubscriptionProbe) => store.subscribeToAll({ filter: { streamPrefixes: ['cj.prod.'] } }, probe.handlers),
    ],
  ])('resumes %s after its last event, without gap or duplicate', async (_label, subscribe) => {
    await store.append('cj.prod.job.web', events(3), 'no_stream');
    const probe = new SubscriptionProbe();
    const subscription = subscribe(probe);
    await probe.untilCount(3);

    await restart(async () => {
      // The adapter's reconnect attempts fail while the server is down; they must not end the subscription.
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    await store.append('cj.prod.job.web', events(2, 'TaskStopped'), 2n);
    await probe.untilCount(5);
    await subscription.close();

    expect(probe.errors).toEqual([]);
    expect(probe.revisions).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(probe.events.map((event) => event.type)).toEqual([
      'TaskStarted',
      'TaskStarted',
      'TaskStarted',
      'TaskStopped',
      'TaskStopped',
    ]);
    expect(probe.caughtUpAfter).toEqual([3]);
  });

  it('delivers events another writer appended while it was disconnected', async () => {
    const probe = new SubscriptionProbe();
    const subscription = store.subscribeToStream('cj.prod.job.api', { fromRevision: 'end' }, probe.handlers);
    await probe.until('caught up', () => probe.caughtUpAfter.length === 1);

    const port = server.port;
    await server.stop();
    server = await startEsdbTestServer({ file, port });
    const writer = new EventStoreDbStore(server.url);
    // gRPC shares connections per address within a process: right after the restart a new client may
    // still see the old connection's failure once, as any caller of a restarted server might.
    await appendOnceReachable(writer, 'cj.prod.job.api', events(4));
    await writer.close();

    await probe.untilCount(4);
    await subscription.close();
    expect(probe.revisions).toEqual([0n, 1n, 2n, 3n]);
  });

  it('fails an append made while the server is down with a typed error, and works again after', async () => {
    const port = server.port;
    await server.stop();
    const error = await store.append('cj.prod.job.web', events(1), 'any').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(/append to cj\.prod\.job\.web failed: EventStoreDB is unavailable/);

    server = await startEsdbTestServer({ file, port });
    await appendOnceReachable(store, 'cj.prod.job.web', events(1));
    await expect(store.readStream('cj.prod.job.web')).resolves.toHaveLength(1);
  });
});
