import type { ReadDb } from '../read-model/read-db';

export interface TaskStatsRow {
  readonly env: string;
  readonly container_id: string;
  readonly memory_bytes: number;
  readonly cpu_percent: number;
  /** The engine's time of the sample. */
  readonly sampled_at: string;
}

/**
 * Memory and CPU of the running containers, as the stats sampler last read them, by container.
 * Not a projection of the log (samples are not events): the sampler writes it in batches and
 * `cj status` reads it, so no status request waits for an engine.
 */
export class TaskStats {
  private readonly upsert;
  private readonly select;

  constructor(private readonly db: ReadDb) {
    db.exec(`CREATE TABLE IF NOT EXISTS task_stats (
      env TEXT NOT NULL,
      container_id TEXT NOT NULL,
      memory_bytes INTEGER NOT NULL,
      cpu_percent REAL NOT NULL,
      sampled_at TEXT NOT NULL,
      PRIMARY KEY (env, container_id)
    )`);
    this.upsert = db.prepare(
      `INSERT INTO task_stats (env, container_id, memory_bytes, cpu_percent, sampled_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (env, container_id) DO UPDATE SET memory_bytes = excluded.memory_bytes, cpu_percent = excluded.cpu_percent, sampled_at = excluded.sampled_at`,
    );
    this.select = db.prepare('SELECT * FROM task_stats WHERE env = ?');
  }

  /** One sweep's samples in one transaction; samples of containers no longer sampled (`keep` says which are) go. */
  write(samples: readonly TaskStatsRow[], keep: (env: string, containerId: string) => boolean): void {
    this.db.transaction(() => {
      for (const row of samples)
        this.upsert.run(row.env, row.container_id, Math.round(row.memory_bytes), row.cpu_percent, row.sampled_at);
      const all = this.db.prepare('SELECT env, container_id FROM task_stats').all() as {
        env: string;
        container_id: string;
      }[];
      const remove = this.db.prepare('DELETE FROM task_stats WHERE env = ? AND container_id = ?');
      for (const row of all) if (!keep(row.env, row.container_id)) remove.run(row.env, row.container_id);
    })();
  }

  forEnv(env: string): Map<string, TaskStatsRow> {
    return new Map((this.select.all(env) as TaskStatsRow[]).map((row) => [row.container_id, row]));
  }
}
