import type { HostSpec, HostView, SharedClusterView, UnexpectedContainerView } from '@cj/api';
import type { ReadDb } from '../read-db';

interface HostRow {
  name: string;
  endpoint: string;
  address: string;
  tls: string | null;
  ssh_host_key: string | null;
  reachable: number | null;
  engine_version: string | null;
  held: number;
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
    return (
      this.db
        .prepare('SELECT name, endpoint, address, tls, ssh_host_key FROM hosts WHERE env = ? ORDER BY name')
        .all(env) as HostRow[]
    ).map(toSpec);
  }

  spec(env: string, name: string): HostSpec | undefined {
    const row = this.db
      .prepare('SELECT name, endpoint, address, tls, ssh_host_key FROM hosts WHERE env = ? AND name = ?')
      .get(env, name) as HostRow | undefined;
    return row ? toSpec(row) : undefined;
  }

  /** Every env that has hosts (the observation loop walks them all). */
  envs(): string[] {
    return (this.db.prepare('SELECT DISTINCT env FROM hosts ORDER BY env').all() as { env: string }[]).map(
      (row) => row.env,
    );
  }

  /** The hosts held since the store moved (cj does not act on them until confirmed). */
  held(env: string): Set<string> {
    return new Set(
      (this.db.prepare('SELECT name FROM hosts WHERE env = ? AND held = 1').all(env) as { name: string }[]).map(
        (row) => row.name,
      ),
    );
  }

  /** Whether a host at this endpoint is held in any environment: the last guard before a change on its engine. */
  heldEndpoint(name: string, endpoint: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM hosts WHERE name = ? AND endpoint = ? AND held = 1').get(name, endpoint) !==
      undefined
    );
  }

  /** Other clusters whose containers run on the environment's hosts, by host. */
  shared(env: string): Map<string, SharedClusterView[]> {
    const rows = this.db
      .prepare('SELECT host, other_store_id, containers, since FROM shared_hosts WHERE env = ? ORDER BY host, since')
      .all(env) as {
      host: string;
      other_store_id: string;
      containers: string;
      since: string;
    }[];
    const byHost = new Map<string, SharedClusterView[]>();
    for (const row of rows) {
      const view = {
        storeId: row.other_store_id,
        containers: JSON.parse(row.containers) as SharedClusterView['containers'],
        since: row.since,
      };
      byHost.set(row.host, [...(byHost.get(row.host) ?? []), view]);
    }
    return byHost;
  }

  views(env: string): HostView[] {
    const rows = this.db
      .prepare(
        `SELECT h.*, (SELECT COUNT(*) FROM tasks t WHERE t.env = h.env AND t.container_host = h.name AND t.observed_state = 'running') AS containers
         FROM hosts h WHERE h.env = ? ORDER BY h.name`,
      )
      .all(env) as HostRow[];
    const shared = this.shared(env);
    return rows.map((row) => ({
      name: row.name,
      endpoint: row.endpoint,
      address: row.address,
      reachable: row.reachable !== 0,
      ...(row.engine_version !== null && { engineVersion: row.engine_version }),
      containers: row.containers,
      ...(row.reachable !== null && { lastSeen: row.changed_at }),
      ...(row.held === 1 && { held: true }),
      ...(shared.has(row.name) && { sharedWith: shared.get(row.name) }),
    }));
  }

  /** The containers with cj's labels that no task accounts for, running now (only one job's if given). */
  unexpected(env: string, job?: string): UnexpectedContainerView[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM unexpected_containers WHERE env = ? ${job !== undefined ? 'AND job = ?' : ''} ORDER BY host, job, task, since`,
      )
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
