import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostStream, type DomainEvent, type EventMetadata } from '@cj/domain';
import { openSqliteEventStore, type RecordedEvent } from '@cj/event-store';
import { toEventData } from '../../store/event-codec';
import { openReadDb, type ReadDb } from '../read-db';
import { HostQueries } from '../queries/host-queries';
import { hostsProjection } from './hosts.projection';
import { tasksProjection } from './tasks.projection';

const meta = (second: number): EventMetadata => ({
  actor: 'ops@laptop',
  correlationId: 'c',
  causationId: 'c',
  occurredAt: `2026-01-01T00:00:0${second}.000Z`,
  cjVersion: '0.1.0',
});
const declared = (host: string, second: number): DomainEvent => ({
  type: 'HostDeclared',
  schemaVersion: 1,
  data: { host, endpoint: `unix:///run/${host}.sock`, address: '127.0.0.1' },
  metadata: meta(second),
});
const retired = (host: string, second: number): DomainEvent => ({
  type: 'HostRetired',
  schemaVersion: 1,
  data: {
    host,
    reason: 'dropped-from-jobs-file',
    last: { endpoint: `unix:///run/${host}.sock`, address: '127.0.0.1' },
  },
  metadata: meta(second),
});
const reachable = (host: string, second: number): DomainEvent => ({
  type: 'HostReachable',
  schemaVersion: 1,
  data: { host, endpoint: `unix:///run/${host}.sock` },
  metadata: meta(second),
});

/** Given these host events of environment `prod`, folded in order over a real SQLite file in memory. */
function given(...events: DomainEvent[]): ReadDb {
  const db = openReadDb(':memory:');
  for (const projection of [hostsProjection, tasksProjection]) db.exec(projection.schema);
  events.forEach((event, index) => {
    const streamId = hostStream('prod', (event.data as { host: string }).host);
    const data = toEventData(event, 'c', streamId, index);
    hostsProjection.apply(db, {
      ...data,
      streamId,
      revision: BigInt(index),
      position: BigInt(index + 1),
      metadata: data.metadata,
      created: new Date(0),
    } as RecordedEvent);
  });
  return db;
}

describe('the hosts read model', () => {
  it('drops a retired host from the specs, the views and the environments to observe', () => {
    const hosts = new HostQueries(given(declared('h1', 1), declared('h2', 2), reachable('h2', 3), retired('h2', 4)));

    expect(hosts.specs('prod').map((host) => host.name)).toEqual(['h1']);
    expect(hosts.spec('prod', 'h2')).toBeUndefined();
    expect(hosts.views('prod').map((host) => host.name)).toEqual(['h1']);

    expect(new HostQueries(given(declared('h2', 1), retired('h2', 2))).envs()).toEqual([]);
  });

  it('lists a retired host again once a file declares it anew, with nothing remembered from before', () => {
    const hosts = new HostQueries(given(declared('h2', 1), reachable('h2', 2), retired('h2', 3), declared('h2', 4)));

    const [view] = hosts.views('prod');
    expect(view).toMatchObject({ name: 'h2', endpoint: 'unix:///run/h2.sock' });
    expect(view).not.toHaveProperty('lastSeen');
    expect(hosts.specs('prod')).toEqual([{ name: 'h2', endpoint: 'unix:///run/h2.sock', address: '127.0.0.1' }]);
  });
});

describe('held and shared hosts in the hosts read model', () => {
  const from = { kind: 'embedded' as const, machine: 'ops-1', path: '/var/lib/cj/cj.db' };
  const to = { kind: 'embedded' as const, machine: 'ops-2', path: '/srv/cj/cj.db' };
  const held = (host: string, second: number): DomainEvent => ({
    type: 'HostHeld',
    schemaVersion: 1,
    data: { host, reason: 'store-relocated', from, to },
    metadata: meta(second),
  });
  const confirmed = (host: string, second: number): DomainEvent => ({
    type: 'HostConfirmed',
    schemaVersion: 1,
    data: { host },
    metadata: meta(second),
  });
  const other = { containerId: 'c-a', name: 'cj-prod-web-0-r1.3f2a9c1b', env: 'prod', job: 'web', task: 0 };
  const shared = (host: string, second: number): DomainEvent => ({
    type: 'HostSharedWithCluster',
    schemaVersion: 1,
    data: { host, otherStoreId: 'store-a', containers: [other] },
    metadata: meta(second),
  });
  const unshared = (host: string, second: number): DomainEvent => ({
    type: 'HostNoLongerShared',
    schemaVersion: 1,
    data: { host, otherStoreId: 'store-a' },
    metadata: meta(second),
  });

  it('marks a held host until it is confirmed, by name and by endpoint', () => {
    const hosts = new HostQueries(
      given(declared('h1', 1), declared('h2', 2), held('h1', 3), held('h2', 4), confirmed('h2', 5)),
    );
    expect([...hosts.held('prod')]).toEqual(['h1']);
    expect(hosts.heldEndpoint('h1', 'unix:///run/h1.sock')).toBe(true);
    expect(hosts.heldEndpoint('h2', 'unix:///run/h2.sock')).toBe(false);
    expect(hosts.views('prod').map((view) => [view.name, view.held])).toEqual([
      ['h1', true],
      ['h2', undefined],
    ]);
  });

  it('lists the other clusters of a host until their containers are gone', () => {
    const now = new HostQueries(given(declared('h1', 1), shared('h1', 2)));
    expect(now.views('prod')[0].sharedWith).toEqual([
      { storeId: 'store-a', containers: [other], since: '2026-01-01T00:00:02.000Z' },
    ]);
    const later = new HostQueries(given(declared('h1', 1), shared('h1', 2), unshared('h1', 3)));
    expect(later.views('prod')[0]).not.toHaveProperty('sharedWith');
  });
});

describe('the unexpected containers of the hosts read model', () => {
  const stray = (containerId: string, host = 'h1', job = 'web') => ({ host, containerId, job, task: 0, revision: 9 });
  const found = (
    containerId: string,
    second: number,
    extra: { host?: string; job?: string; startedAt?: string } = {},
  ): DomainEvent => ({
    type: 'UnexpectedContainerFound',
    schemaVersion: 1,
    data: {
      ...stray(containerId, extra.host, extra.job),
      image: 'cj-demo:v1',
      name: `${containerId}-debug`,
      ...(extra.startedAt !== undefined && { startedAt: extra.startedAt }),
    },
    metadata: meta(second),
  });
  const gone = (containerId: string, second: number, now: 'stopped' | 'removed' | 'known'): DomainEvent => ({
    type: 'UnexpectedContainerGone',
    schemaVersion: 1,
    data: { ...stray(containerId), now },
    metadata: meta(second),
  });

  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cj-hosts-projection-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Appends the events to their hosts' streams in a real SQLite event store, then folds the whole log. */
  async function given(...events: DomainEvent[]): Promise<HostQueries> {
    const store = openSqliteEventStore(join(dir, 'cj.db'));
    try {
      for (const [index, event] of events.entries()) {
        await store.append(
          hostStream('prod', (event.data as { host: string }).host),
          [toEventData(event, `cmd-${index}`, hostStream('prod', (event.data as { host: string }).host), 0)],
          'any',
        );
      }
      const db = openReadDb(':memory:');
      db.exec(hostsProjection.schema);
      for (const record of await store.readAll()) hostsProjection.apply(db, record);
      return new HostQueries(db);
    } finally {
      await store.close();
    }
  }

  it('lists a found container from when it started, with its image and name', async () => {
    const hosts = await given(
      declared('h1', 1),
      found('c-a', 3, { startedAt: '2026-01-01T00:00:02.123456789Z' }),
      found('c-b', 4),
    );

    expect(hosts.unexpected('prod')).toEqual([
      {
        host: 'h1',
        job: 'web',
        task: 0,
        revision: 9,
        containerId: 'c-a',
        image: 'cj-demo:v1',
        name: 'c-a-debug',
        since: '2026-01-01T00:00:02.123Z',
      },
      // No start time from the engine: since it was first seen.
      {
        host: 'h1',
        job: 'web',
        task: 0,
        revision: 9,
        containerId: 'c-b',
        image: 'cj-demo:v1',
        name: 'c-b-debug',
        since: '2026-01-01T00:00:04.000Z',
      },
    ]);
    expect(hosts.unexpected('staging')).toEqual([]);
  });

  it('stops listing one once it is gone, however it went', async () => {
    const hosts = await given(
      declared('h1', 1),
      found('c-a', 2),
      found('c-b', 3),
      found('c-c', 4),
      found('c-d', 5),
      gone('c-a', 6, 'stopped'),
      gone('c-b', 7, 'removed'),
      gone('c-c', 8, 'known'),
    );

    expect(hosts.unexpected('prod').map((container) => container.containerId)).toEqual(['c-d']);
  });

  it("keeps only one job's containers when asked", async () => {
    const hosts = await given(declared('h1', 1), found('c-web', 2), found('c-api', 3, { job: 'api' }));

    expect(hosts.unexpected('prod', 'api').map((container) => container.containerId)).toEqual(['c-api']);
    expect(hosts.unexpected('prod', 'db')).toEqual([]);
  });

  it("forgets a retired host's containers, and only that host's", async () => {
    const hosts = await given(
      declared('h1', 1),
      declared('h2', 2),
      found('c-1', 3),
      found('c-2', 4, { host: 'h2' }),
      retired('h2', 5),
    );

    expect(hosts.unexpected('prod').map((container) => `${container.containerId}@${container.host}`)).toEqual([
      'c-1@h1',
    ]);
  });
});
