import { hostStream, type DomainEvent, type EventMetadata } from '@cj/domain';
import type { RecordedEvent } from '@cj/event-store';
import { toEventData } from '../../store/event-codec';
import { openReadDb, type ReadDb } from '../read-db';
import { HostQueries } from '../queries/host-queries';
import { hostsProjection } from './hosts.projection';
import { tasksProjection } from './tasks.projection';

const meta = (second: number): EventMetadata => ({ actor: 'ops@laptop', correlationId: 'c', causationId: 'c', occurredAt: `2026-01-01T00:00:0${second}.000Z`, cjVersion: '0.1.0' });
const declared = (host: string, second: number): DomainEvent => ({
  type: 'HostDeclared',
  schemaVersion: 1,
  data: { host, endpoint: `unix:///run/${host}.sock`, address: '127.0.0.1' },
  metadata: meta(second),
});
const retired = (host: string, second: number): DomainEvent => ({
  type: 'HostRetired',
  schemaVersion: 1,
  data: { host, reason: 'dropped-from-jobs-file', last: { endpoint: `unix:///run/${host}.sock`, address: '127.0.0.1' } },
  metadata: meta(second),
});
const reachable = (host: string, second: number): DomainEvent => ({ type: 'HostReachable', schemaVersion: 1, data: { host, endpoint: `unix:///run/${host}.sock` }, metadata: meta(second) });

/** Given these host events of environment `prod`, folded in order over a real SQLite file in memory. */
function given(...events: DomainEvent[]): ReadDb {
  const db = openReadDb(':memory:');
  for (const projection of [hostsProjection, tasksProjection]) db.exec(projection.schema);
  events.forEach((event, index) => {
    const data = toEventData(event, 'c', index);
    const streamId = hostStream('prod', (event.data as { host: string }).host);
    hostsProjection.apply(db, { ...data, streamId, revision: BigInt(index), position: BigInt(index + 1), metadata: data.metadata, created: new Date(0) } as RecordedEvent);
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
