import type { JobSpec, TimelineEntry } from '@cj/api';
import type { ReadDb } from '../read-db';

interface TimelineRow {
  host: string;
  job: string;
  task: number;
  revision: number;
  image: string;
  port: number | null;
  container_id: string;
  from_at: string;
  to_at: string | null;
  spec?: string | null;
}

/** What ran where at an instant, from the timeline projection. */
export class TimelineQueries {
  constructor(private readonly db: ReadDb) {}

  /** With `withSpec`, each entry carries its revision's spec as it was recorded. */
  at(env: string, at: string, host?: string, withSpec = false): TimelineEntry[] {
    const rows = this.db
      .prepare(
        `SELECT t.*${withSpec ? ', r.spec' : ''} FROM timeline t
         ${withSpec ? 'LEFT JOIN revisions r ON r.env = t.env AND r.job = t.job AND r.revision = t.revision' : ''}
         WHERE t.env = ? AND t.from_at <= ? AND (t.to_at IS NULL OR t.to_at > ?) ${host !== undefined ? 'AND t.host = ?' : ''}
         ORDER BY t.host, t.job, t.task`,
      )
      .all(...[env, at, at, ...(host !== undefined ? [host] : [])]) as TimelineRow[];
    return rows.map((row) => ({
      host: row.host,
      job: row.job,
      task: row.task,
      revision: row.revision,
      image: row.image,
      containerId: row.container_id,
      ...(row.port !== null && { port: row.port }),
      from: row.from_at,
      ...(row.to_at !== null && { to: row.to_at }),
      ...(typeof row.spec === 'string' && { spec: JSON.parse(row.spec) as JobSpec }),
    }));
  }
}
