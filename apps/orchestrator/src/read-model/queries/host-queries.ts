import type { HostSpec, HostView } from '@cj/domain';
import type { ReadDb } from '../read-db';

interface HostRow {
  name: string;
  endpoint: string;
  address: string;
  tls: string | null;
  ssh_host_key: string | null;
  reachable: number | null;
  engine_version: string | null;
  changed_at: string;
  containers: number;
}

/** Hosts as the applied jobs files declared them, with what the observation loop saw. */
export class HostQueries {
  constructor(private readonly db: ReadDb) {}

  specs(env: string): HostSpec[] {
    return (this.db.prepare('SELECT name, endpoint, address, tls, ssh_host_key FROM hosts WHERE env = ? ORDER BY name').all(env) as HostRow[]).map(toSpec);
  }

  spec(env: string, name: string): HostSpec | undefined {
    const row = this.db.prepare('SELECT name, endpoint, address, tls, ssh_host_key FROM hosts WHERE env = ? AND name = ?').get(env, name) as HostRow | undefined;
    return row ? toSpec(row) : undefined;
  }

  /** Every env that has hosts (the observation loop walks them all). */
  envs(): string[] {
    return (this.db.prepare('SELECT DISTINCT env FROM hosts ORDER BY env').all() as { env: string }[]).map((row) => row.env);
  }

  views(env: string): HostView[] {
    const rows = this.db
      .prepare(
        `SELECT h.*, (SELECT COUNT(*) FROM tasks t WHERE t.env = h.env AND t.container_host = h.name AND t.observed_state = 'running') AS containers
         FROM hosts h WHERE h.env = ? ORDER BY h.name`,
      )
      .all(env) as HostRow[];
    return rows.map((row) => ({
      name: row.name,
      endpoint: row.endpoint,
      address: row.address,
      reachable: row.reachable !== 0,
      ...(row.engine_version !== null && { engineVersion: row.engine_version }),
      containers: row.containers,
      ...(row.reachable !== null && { lastSeen: row.changed_at }),
    }));
  }
}

function toSpec(row: HostRow): HostSpec {
  return {
    name: row.name,
    endpoint: row.endpoint,
    address: row.address,
    ...(row.tls !== null && { tls: JSON.parse(row.tls) as HostSpec['tls'] }),
    ...(row.ssh_host_key !== null && { sshHostKey: row.ssh_host_key }),
  };
}
