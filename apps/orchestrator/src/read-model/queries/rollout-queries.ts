import { toRolloutView, type ActiveRollout } from '@cj/domain';
import type { RolloutView } from '@cj/api';
import type { ReadDb } from '../read-db';

/** Rollouts as the rollouts projection has them. */
export class RolloutQueries {
  constructor(private readonly db: ReadDb) {}

  /** Newest first; only one job's when `job` is given. */
  list(env: string, job?: string): RolloutView[] {
    const rows = (
      job === undefined
        ? this.db.prepare('SELECT state FROM rollouts WHERE env = ? ORDER BY started_at DESC, id').all(env)
        : this.db
            .prepare('SELECT state FROM rollouts WHERE env = ? AND job = ? ORDER BY started_at DESC, id')
            .all(env, job)
    ) as { state: string }[];
    return rows.map((row) => toRolloutView(JSON.parse(row.state) as ActiveRollout));
  }

  view(env: string, id: string): RolloutView | undefined {
    const row = this.db.prepare('SELECT state FROM rollouts WHERE env = ? AND id = ?').get(env, id) as
      { state: string } | undefined;
    return row ? toRolloutView(JSON.parse(row.state) as ActiveRollout) : undefined;
  }
}
