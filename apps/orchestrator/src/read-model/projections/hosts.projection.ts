import type { RecordedEvent } from '@cj/event-store';
import type { HostDeclared, HostSharedWithCluster } from '@cj/domain';
import type { Projection } from '../projection';
import type { ReadDb } from '../read-db';
import { projected, streamOf } from './projected-event';

/**
 * Each environment's hosts: where their engines are, and whether they answered last time. A retired
 * host leaves the table, so the hosts list, the observation loop, rollouts and replication no longer
 * see it; the audit keeps its story.
 *
 * Beside them, the containers with cj's labels that no task accounts for and that run there now, so
 * that `cj status` shows what cj leaves running without being its own.
 */
export const hostsProjection: Projection = {
  name: 'hosts',
  version: 4,
  tables: ['hosts', 'unexpected_containers', 'shared_hosts'],
  schema: `CREATE TABLE IF NOT EXISTS hosts (
      env TEXT NOT NULL,
      name TEXT NOT NULL,
      endpoint TEXT NOT NULL,
      address TEXT NOT NULL,
      tls TEXT,
      ssh_host_key TEXT,
      reachable INTEGER,
      engine_version TEXT,
      last_error TEXT,
      held INTEGER NOT NULL DEFAULT 0,
      changed_at TEXT NOT NULL,
      PRIMARY KEY (env, name)
    );
    CREATE TABLE IF NOT EXISTS unexpected_containers (
      env TEXT NOT NULL,
      host TEXT NOT NULL,
      container_id TEXT NOT NULL,
      job TEXT NOT NULL,
      task INTEGER NOT NULL,
      revision INTEGER NOT NULL,
      image TEXT,
      name TEXT,
      since TEXT NOT NULL,
      PRIMARY KEY (env, container_id)
    );
    CREATE TABLE IF NOT EXISTS shared_hosts (
      env TEXT NOT NULL,
      host TEXT NOT NULL,
      other_store_id TEXT NOT NULL,
      containers TEXT NOT NULL,
      since TEXT NOT NULL,
      PRIMARY KEY (env, host, other_store_id)
    );`,
  apply(db: ReadDb, record: RecordedEvent): void {
    if (record.type === 'HostDeclared') {
      const stream = streamOf(record.streamId);
      if (stream?.kind !== 'host') return;
      const { env } = stream;
      const data = record.data as HostDeclared['data'];
      const at = (record.metadata as { occurredAt?: string }).occurredAt ?? record.created.toISOString();
      db.prepare(
        `INSERT INTO hosts (env, name, endpoint, address, tls, ssh_host_key, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (env, name) DO UPDATE SET endpoint = excluded.endpoint, address = excluded.address, tls = excluded.tls, ssh_host_key = excluded.ssh_host_key`,
      ).run(
        env,
        data.host,
        data.endpoint,
        data.address,
        data.tls ? JSON.stringify(data.tls) : null,
        data.sshHostKey ?? null,
        at,
      );
      return;
    }
    const seen = projected(record);
    if (!seen || seen.stream.kind !== 'host') return;
    const { stream, event, at } = seen;
    if (event.type === 'HostReachable') {
      db.prepare(
        'UPDATE hosts SET reachable = 1, engine_version = ?, last_error = NULL, changed_at = ? WHERE env = ? AND name = ?',
      ).run(event.data.engineVersion ?? null, at, stream.env, event.data.host);
    } else if (event.type === 'HostRetired') {
      db.prepare('DELETE FROM hosts WHERE env = ? AND name = ?').run(stream.env, event.data.host);
      db.prepare('DELETE FROM unexpected_containers WHERE env = ? AND host = ?').run(stream.env, event.data.host);
      db.prepare('DELETE FROM shared_hosts WHERE env = ? AND host = ?').run(stream.env, event.data.host);
    } else if (event.type === 'HostUnreachable') {
      db.prepare('UPDATE hosts SET reachable = 0, last_error = ?, changed_at = ? WHERE env = ? AND name = ?').run(
        event.data.error,
        at,
        stream.env,
        event.data.host,
      );
    } else if (event.type === 'UnexpectedContainerFound') {
      const { host, containerId, job, task, revision, image, name, startedAt } = event.data;
      db.prepare(
        `INSERT OR REPLACE INTO unexpected_containers (env, host, container_id, job, task, revision, image, name, since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(stream.env, host, containerId, job, task, revision, image || null, name || null, startedOr(startedAt, at));
    } else if (event.type === 'UnexpectedContainerGone') {
      db.prepare('DELETE FROM unexpected_containers WHERE env = ? AND container_id = ?').run(
        stream.env,
        event.data.containerId,
      );
    } else if (event.type === 'HostHeld' || event.type === 'HostConfirmed') {
      db.prepare('UPDATE hosts SET held = ? WHERE env = ? AND name = ?').run(
        event.type === 'HostHeld' ? 1 : 0,
        stream.env,
        event.data.host,
      );
    } else if (event.type === 'HostSharedWithCluster') {
      const { host, otherStoreId, containers } = event.data as HostSharedWithCluster['data'];
      db.prepare(
        'INSERT OR REPLACE INTO shared_hosts (env, host, other_store_id, containers, since) VALUES (?, ?, ?, ?, ?)',
      ).run(stream.env, host, otherStoreId, JSON.stringify(containers), at);
    } else if (event.type === 'HostNoLongerShared') {
      db.prepare('DELETE FROM shared_hosts WHERE env = ? AND host = ? AND other_store_id = ?').run(
        stream.env,
        event.data.host,
        event.data.otherStoreId,
      );
    }
  },
};

/** When the engine says the container started (its nanoseconds cut to an ISO time), else when it was seen. */
function startedOr(startedAt: string | undefined, seenAt: string): string {
  return startedAt !== undefined && !Number.isNaN(Date.parse(startedAt)) ? new Date(startedAt).toISOString() : seenAt;
}
