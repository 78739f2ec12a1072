/**
 * The rollout runner's checkpoint: the global position it has handled and the rollouts still
 * active at that position, saved in one transaction so that a restart resumes every unfinished
 * rollout and skips none.
 */
import Database from 'better-sqlite3';

export interface RunnerCheckpoint {
  readonly position?: bigint;
  /** Stream ids of the rollouts not finished at `position`. */
  readonly active: readonly string[];
}

export class SqliteRunnerCheckpoint {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS rollout_runner_position (id INTEGER PRIMARY KEY CHECK (id = 1), position TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS rollout_runner_active (stream_id TEXT PRIMARY KEY);
    `);
  }

  load(): RunnerCheckpoint {
    const row = this.db.prepare('SELECT position FROM rollout_runner_position WHERE id = 1').get() as
      { position: string } | undefined;
    const active = (
      this.db.prepare('SELECT stream_id FROM rollout_runner_active ORDER BY stream_id').all() as { stream_id: string }[]
    ).map((r) => r.stream_id);
    return { position: row ? BigInt(row.position) : undefined, active };
  }

  save(position: bigint, started: readonly string[], finished: readonly string[]): void {
    this.db.transaction(() => {
      const add = this.db.prepare('INSERT OR IGNORE INTO rollout_runner_active (stream_id) VALUES (?)');
      const drop = this.db.prepare('DELETE FROM rollout_runner_active WHERE stream_id = ?');
      for (const id of started) add.run(id);
      for (const id of finished) drop.run(id);
      this.db
        .prepare(
          'INSERT INTO rollout_runner_position (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position',
        )
        .run(position.toString());
    })();
  }

  close(): void {
    this.db.close();
  }
}
