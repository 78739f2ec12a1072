import type { ReadDb } from '../read-model/read-db';

/**
 * When each host last answered (a listing, an event, a stream that connected): kept in memory as
 * it happens and written to the read database in one batch per observation pass, not as an event
 * per poll. `cj hosts` and `cj status` read it; it survives a restart of the orchestrator, so a
 * status taken while every host is down still says how old what it shows is.
 */
export class HostSightings {
  private readonly pending = new Map<string, { env: string; host: string; at: string }>();
  private readonly upsert;
  private readonly select;

  constructor(private readonly db: ReadDb) {
    db.exec(`CREATE TABLE IF NOT EXISTS host_seen (
      env TEXT NOT NULL,
      host TEXT NOT NULL,
      seen_at TEXT NOT NULL,
      PRIMARY KEY (env, host)
    )`);
    this.upsert = db.prepare(
      `INSERT INTO host_seen (env, host, seen_at) VALUES (?, ?, ?)
       ON CONFLICT (env, host) DO UPDATE SET seen_at = excluded.seen_at WHERE excluded.seen_at > host_seen.seen_at`,
    );
    this.select = db.prepare('SELECT host, seen_at FROM host_seen WHERE env = ?');
  }

  /** The host answered at `at` (ISO time). */
  seen(env: string, host: string, at: string): void {
    const key = `${env}/${host}`;
    const last = this.pending.get(key);
    if (!last || last.at < at) this.pending.set(key, { env, host, at });
  }

  /** Writes what was seen since the last flush, in one transaction. */
  flush(): void {
    if (this.pending.size === 0) return;
    const rows = [...this.pending.values()];
    this.pending.clear();
    this.db.transaction(() => {
      for (const row of rows) this.upsert.run(row.env, row.host, row.at);
    })();
  }

  /** When each host of `env` last answered, by name: what is written, and what is not yet. */
  lastSeen(env: string): Map<string, string> {
    const seen = new Map((this.select.all(env) as { host: string; seen_at: string }[]).map((row) => [row.host, row.seen_at]));
    for (const row of this.pending.values()) {
      if (row.env === env && (seen.get(row.host) ?? '') < row.at) seen.set(row.host, row.at);
    }
    return seen;
  }
}
