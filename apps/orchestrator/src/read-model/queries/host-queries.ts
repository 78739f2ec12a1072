import type { HostSpec, HostView, UnexpectedContainerView } from '@cj/domain';
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

interface UnexpectedContainerRow {
  host: string;
  container_id: string;
  job: string;
  task: number;
  revision: number;
  image: string | null;
  name: string | null;
  since: string;
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

  /** The containers with cj's labels that no task accounts for, running now (only one job's if given). */
  unexpected(env: string, job?: string): UnexpectedContainerView[] {
    const rows = this.db
      .prepare(`SELECT * FROM unexpected_containers WHERE env = ? ${job !== undefined ? 'AND job = ?' : ''} ORDER BY host, job, task, since`)
      .all(...[env, ...(job !== undefined ? [job] : [])]) as UnexpectedContainerRow[];
    return rows.map((row) => ({
      host: row.host,
      job: row.job,
      task: row.task,
      revision: row.revision,
      containerId: row.container_id,
      ...(row.image !== null && { image: row.image }),
      ...(row.name !== null && { name: row.name }),
      since: row.since,
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
