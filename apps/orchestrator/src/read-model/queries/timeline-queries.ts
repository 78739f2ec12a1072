import type { TimelineEntry } from '@cj/domain';
import type { ReadDb } from '../read-db';

interface TimelineRow {
  host: string;
  job: string;
  task: number;
  revision: number;
  image: string;
  container_id: string;
  from_at: string;
  to_at: string | null;
}

/** What ran where at an instant, from the timeline projection. */
export class TimelineQueries {
  constructor(private readonly db: ReadDb) {}

  at(env: string, at: string, host?: string): TimelineEntry[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM timeline WHERE env = ? AND from_at <= ? AND (to_at IS NULL OR to_at > ?) ${host !== undefined ? 'AND host = ?' : ''}
         ORDER BY host, job, task`,
      )
      .all(...[env, at, at, ...(host !== undefined ? [host] : [])]) as TimelineRow[];
    return rows.map((row) => ({
      host: row.host,
      job: row.job,
      task: row.task,
      revision: row.revision,
      image: row.image,
      containerId: row.container_id,
      from: row.from_at,
      ...(row.to_at !== null && { to: row.to_at }),
    }));
  }
}
