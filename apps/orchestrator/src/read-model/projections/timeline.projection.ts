import type { RecordedEvent } from '@cj/event-store';
import type { Projection } from '../projection';
import type { ReadDb } from '../read-db';
import type { JobSpec } from '@cj/api';
import { projected } from './projected-event';

/**
 * "What ran where, and when": one row per run of a container (from its start to its stop, exit or
 * removal), with the revision and image it ran, including containers no task accounted for while
 * they were unexpected. Answers `timeline?at=T` without replaying the log.
 */
export const timelineProjection: Projection = {
  name: 'timeline',
  version: 2,
  tables: ['timeline'],
  schema: `CREATE TABLE IF NOT EXISTS timeline (
      env TEXT NOT NULL,
      host TEXT NOT NULL,
      job TEXT NOT NULL,
      task INTEGER NOT NULL,
      revision INTEGER NOT NULL,
      image TEXT NOT NULL,
      port INTEGER,
      container_id TEXT NOT NULL,
      from_at TEXT NOT NULL,
      to_at TEXT,
      PRIMARY KEY (env, container_id, from_at)
    );
    CREATE INDEX IF NOT EXISTS timeline_env_host ON timeline (env, host, from_at);
    CREATE INDEX IF NOT EXISTS timeline_env_from ON timeline (env, from_at, to_at);`,
  apply(db: ReadDb, record: RecordedEvent): void {
    const seen = projected(record);
    if (!seen) return;
    const { stream, event, at } = seen;
    switch (event.type) {
      case 'ContainerStarted': {
        const { job, task, host, containerId, revision } = event.data;
        const open = db
          .prepare('SELECT 1 FROM timeline WHERE env = ? AND container_id = ? AND to_at IS NULL')
          .get(stream.env, containerId);
        if (open) return;
        const image = db
          .prepare('SELECT image, digest, spec FROM revisions WHERE env = ? AND job = ? AND revision = ?')
          .get(stream.env, job, revision) as { image: string; digest: string | null; spec: string } | undefined;
        const port = image ? (JSON.parse(image.spec) as JobSpec).tasks.find((t) => t.index === task)?.port : undefined;
        db.prepare(
          `INSERT OR IGNORE INTO timeline (env, host, job, task, revision, image, port, container_id, from_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          stream.env,
          host,
          job,
          task,
          revision,
          image ? `${image.image}${image.digest ? `@${image.digest}` : ''}` : 'unknown',
          port ?? null,
          containerId,
          at,
        );
        return;
      }
      case 'UnexpectedContainerFound': {
        // It ran there too, though no task accounts for it: from when it started, if the engine said.
        const { job, task, host, containerId, revision, image, startedAt } = event.data;
        const started =
          startedAt !== undefined && !Number.isNaN(Date.parse(startedAt)) ? new Date(startedAt).toISOString() : at;
        const open = db
          .prepare('SELECT 1 FROM timeline WHERE env = ? AND container_id = ? AND to_at IS NULL')
          .get(stream.env, containerId);
        if (open) return;
        db.prepare(
          `INSERT OR IGNORE INTO timeline (env, host, job, task, revision, image, container_id, from_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(stream.env, host, job, task, revision, image, containerId, started);
        return;
      }
      case 'ContainerRestarted': {
        // The engine started it again: a new run of the same container, from when the engine says.
        const started =
          event.data.startedAt !== undefined && !Number.isNaN(Date.parse(event.data.startedAt))
            ? new Date(event.data.startedAt).toISOString()
            : at;
        const open = db
          .prepare('SELECT 1 FROM timeline WHERE env = ? AND container_id = ? AND to_at IS NULL')
          .get(stream.env, event.data.containerId);
        if (open) return;
        db.prepare(
          `INSERT OR IGNORE INTO timeline (env, host, job, task, revision, image, container_id, from_at)
           SELECT env, host, job, task, revision, image, container_id, ? FROM timeline WHERE env = ? AND container_id = ? ORDER BY from_at DESC LIMIT 1`,
        ).run(started, stream.env, event.data.containerId);
        return;
      }
      case 'ContainerExited': {
        const died =
          event.data.exitedAt !== undefined && !Number.isNaN(Date.parse(event.data.exitedAt))
            ? new Date(event.data.exitedAt).toISOString()
            : at;
        db.prepare('UPDATE timeline SET to_at = ? WHERE env = ? AND container_id = ? AND to_at IS NULL').run(
          died,
          stream.env,
          event.data.containerId,
        );
        return;
      }
      case 'ContainerStopped':
      case 'ContainerRemoved':
      // Also when its job's log now has it: that run, if any, starts with the job's ContainerStarted.
      case 'UnexpectedContainerGone':
        db.prepare('UPDATE timeline SET to_at = ? WHERE env = ? AND container_id = ? AND to_at IS NULL').run(
          at,
          stream.env,
          event.data.containerId,
        );
        return;
      default:
        return;
    }
  },
};
