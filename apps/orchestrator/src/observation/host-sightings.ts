import type { ReadDb } from '../read-model/read-db';

/**
 * When each host last answered (a listing, an event, a stream that connected), and when the log
 * last took what a look at it found: kept in memory as it happens and written to the read database
 * in one batch per observation pass, not as an event per poll. `cj hosts` says when a host last
 * answered; `cj status` says how old what it shows is, which is as old as the last look the log
 * took: a host that answers while the store refuses writes is seen, and what it shows is not
 * recorded. Both survive a restart of the orchestrator.
 */
export class HostSightings {
  private readonly seenTable: SightingTable;
  private readonly recordedTable: SightingTable;

  constructor(db: ReadDb) {
    this.seenTable = new SightingTable(db, 'host_seen', 'seen_at');
    this.recordedTable = new SightingTable(db, 'host_recorded', 'recorded_at');
  }

  /** The host answered at `at` (ISO time). */
  seen(env: string, host: string, at: string): void {
    this.seenTable.note(env, host, at);
  }

  /** What a look at the host at `at` found is in the log (changes recorded, or none to record). */
  recorded(env: string, host: string, at: string): void {
    this.recordedTable.note(env, host, at);
  }

  /** Writes what was seen and recorded since the last flush. */
  flush(): void {
    this.seenTable.flush();
    this.recordedTable.flush();
  }

  /** When each host of `env` last answered, by name: what is written, and what is not yet. */
  lastSeen(env: string): Map<string, string> {
    return this.seenTable.last(env);
  }

  /** When the log last took a look at each host of `env`, by name. */
  lastRecorded(env: string): Map<string, string> {
    return this.recordedTable.last(env);
  }
}

/** One time per host, only ever moving forward. */
class SightingTable {
  private readonly pending = new Map<string, { env: string; host: string; at: string }>();
  private readonly upsert;
  private readonly select;

  constructor(
    private readonly db: ReadDb,
    table: string,
    column: string,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      env TEXT NOT NULL,
      host TEXT NOT NULL,
      ${column} TEXT NOT NULL,
      PRIMARY KEY (env, host)
    )`);
    this.upsert = db.prepare(
      `INSERT INTO ${table} (env, host, ${column}) VALUES (?, ?, ?)
       ON CONFLICT (env, host) DO UPDATE SET ${column} = excluded.${column} WHERE excluded.${column} > ${table}.${column}`,
    );
    this.select = db.prepare(`SELECT host, ${column} AS at FROM ${table} WHERE env = ?`);
  }

  note(env: string, host: string, at: string): void {
    const key = `${env}/${host}`;
    const last = this.pending.get(key);
    if (!last || last.at < at) this.pending.set(key, { env, host, at });
  }

  flush(): void {
    if (this.pending.size === 0) return;
    const rows = [...this.pending.values()];
    this.pending.clear();
    this.db.transaction(() => {
      for (const row of rows) this.upsert.run(row.env, row.host, row.at);
    })();
  }

  last(env: string): Map<string, string> {
    const times = new Map((this.select.all(env) as { host: string; at: string }[]).map((row) => [row.host, row.at]));
    for (const row of this.pending.values()) {
      if (row.env === env && (times.get(row.host) ?? '') < row.at) times.set(row.host, row.at);
    }
    return times;
  }
}
