import type { RecordedEvent } from '@cj/event-store';
import { formatImageRef } from '@cj/domain';
import type { Projection } from '../projection';
import type { ReadDb } from '../read-db';
import { projected } from './projected-event';

/** Jobs (current revision, removed or not) and every revision's spec with who made it and why. */
export const jobsProjection: Projection = {
  name: 'jobs',
  version: 1,
  tables: ['jobs', 'revisions'],
  schema: `CREATE TABLE IF NOT EXISTS jobs (
      env TEXT NOT NULL,
      job TEXT NOT NULL,
      current_revision INTEGER,
      last_revision INTEGER NOT NULL,
      removed INTEGER NOT NULL DEFAULT 0,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (env, job)
    );
    CREATE TABLE IF NOT EXISTS revisions (
      env TEXT NOT NULL,
      job TEXT NOT NULL,
      revision INTEGER NOT NULL,
      spec TEXT NOT NULL,
      image TEXT NOT NULL,
      digest TEXT,
      changes TEXT NOT NULL,
      actor TEXT NOT NULL,
      reason TEXT,
      at TEXT NOT NULL,
      PRIMARY KEY (env, job, revision)
    );`,
  apply(db: ReadDb, record: RecordedEvent): void {
    const seen = projected(record);
    if (!seen || seen.stream.kind !== 'job') return;
    const { stream, event, at } = seen;
    switch (event.type) {
      case 'JobRegistered':
      case 'JobRevisionCreated': {
        const { job, revision, spec } = event.data;
        const changes = event.type === 'JobRevisionCreated' ? event.data.changes : [];
        db.prepare(
          `INSERT OR REPLACE INTO revisions (env, job, revision, spec, image, digest, changes, actor, reason, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          stream.env,
          job,
          revision,
          JSON.stringify(spec),
          formatImageRef({ ...spec.image, digest: undefined }),
          spec.image.digest ?? null,
          JSON.stringify(changes),
          event.metadata.actor,
          event.metadata.reason ?? null,
          at,
        );
        db.prepare(
          `INSERT INTO jobs (env, job, current_revision, last_revision, removed, updated_at) VALUES (?, ?, ?, ?, 0, ?)
           ON CONFLICT (env, job) DO UPDATE SET current_revision = excluded.current_revision,
             last_revision = excluded.last_revision, removed = 0, updated_at = excluded.updated_at`,
        ).run(stream.env, job, revision, revision, at);
        return;
      }
      case 'JobRolloutEnded':
        // A rollback (or a rollout rolled back) leaves the job on an earlier revision: that one is current.
        if (event.data.revision === undefined) return;
        db.prepare(
          'UPDATE jobs SET current_revision = ?, updated_at = ? WHERE env = ? AND job = ? AND removed = 0',
        ).run(event.data.revision, at, stream.env, event.data.job);
        return;
      case 'JobRemoved':
        db.prepare(
          'UPDATE jobs SET removed = 1, current_revision = NULL, updated_at = ? WHERE env = ? AND job = ?',
        ).run(at, stream.env, event.data.job);
        return;
      default:
        return;
    }
  },
};
