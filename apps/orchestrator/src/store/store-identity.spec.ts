import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostStream, type DomainEvent } from '@cj/domain';
import { openSqliteEventStore, type EventStore } from '@cj/event-store';
import { Metrics } from '../metrics/metrics';
import { toEventData } from './event-codec';
import { establishStoreIdentity, storeLocation } from './store-identity';
import { StreamWriter } from './stream-writer';

const clock = { now: () => new Date('2026-06-01T10:00:00.000Z') };
const declared = (host: string): DomainEvent => ({
  type: 'HostDeclared',
  schemaVersion: 1,
  data: { host, endpoint: `unix:///run/${host}.sock`, address: '127.0.0.1' },
  metadata: {
    actor: 'ops@laptop',
    correlationId: 'c',
    causationId: 'c',
    occurredAt: '2026-06-01T09:00:00.000Z',
    cjVersion: '0.1.0',
  },
});

/** The store's identity on a real SQLite log: one file, started as if from two places. */
describe('establishing the store identity', () => {
  let dir: string;
  let store: EventStore;
  let writer: StreamWriter;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cj-identity-'));
    store = openSqliteEventStore(join(dir, 'cj.db'));
    writer = new StreamWriter(store, new Metrics());
    for (const host of ['h1', 'h2'])
      await store.append(
        hostStream('prod', host),
        [toEventData(declared(host), 'apply-1', hostStream('prod', host), 0)],
        'no_stream',
      );
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const types = async (streamId: string) => (await store.readStream(streamId)).map((event) => event.type);

  it('says where a store lives: machine and absolute path, or the EventStoreDB endpoint without credentials', () => {
    expect(storeLocation('cj.db')).toEqual({
      kind: 'embedded',
      machine: hostname(),
      path: join(process.cwd(), 'cj.db'),
    });
    expect(storeLocation('esdb://admin:changeit@127.0.0.1:2113?tls=false')).toEqual({
      kind: 'eventstoredb',
      endpoint: 'esdb://127.0.0.1:2113',
    });
  });

  it('identifies an empty store once, and records nothing when it starts again in the same place', async () => {
    const first = await establishStoreIdentity(store, writer, join(dir, 'cj.db'), clock);
    const again = await establishStoreIdentity(store, writer, join(dir, 'cj.db'), clock);
    expect(first).toEqual({
      storeId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      createdAt: '2026-06-01T10:00:00.000Z',
      location: storeLocation(join(dir, 'cj.db')),
    });
    expect(again).toEqual(first);
    expect(await types('cj-store')).toEqual(['StoreIdentified']);
    expect(await types(hostStream('prod', 'h1'))).toEqual(['HostDeclared']);
  });

  it('keeps the identity of a store started elsewhere, records the move and holds every declared host', async () => {
    const first = await establishStoreIdentity(store, writer, join(dir, 'cj.db'), clock);
    const moved = await establishStoreIdentity(store, writer, join(dir, 'restored', 'cj.db'), clock);
    expect(moved).toEqual({
      ...first,
      location: storeLocation(join(dir, 'restored', 'cj.db')),
      relocatedFrom: first.location,
    });
    expect(await types('cj-store')).toEqual(['StoreIdentified', 'StoreRelocated']);
    for (const host of ['h1', 'h2'])
      expect(await types(hostStream('prod', host))).toEqual(['HostDeclared', 'HostHeld']);
    // The move and the holds are one command's, written in one append.
    const [relocated] = (await store.readStream('cj-store')).slice(-1);
    const [held] = (await store.readStream(hostStream('prod', 'h1'))).slice(-1);
    expect((relocated.metadata as { causationId: string }).causationId).toBe(
      (held.metadata as { causationId: string }).causationId,
    );

    const next = await establishStoreIdentity(store, writer, join(dir, 'restored', 'cj.db'), clock);
    expect(next).not.toHaveProperty('relocatedFrom');
    expect(await types(hostStream('prod', 'h1'))).toEqual(['HostDeclared', 'HostHeld']);
  });
});
