import type { JobSpec, RolloutEvent } from '@cj/domain';
import type { RecordedEvent } from '@cj/event-store';
import type { Projection } from '../projection';
import type { ReadDb } from '../read-db';
import { projected, streamOf } from './projected-event';

/**
 * What runs where now: one row per task with what is desired (revision, running or stopped) beside
 * what was last observed (its container, revision, state, health).
 */
export const tasksProjection: Projection = {
  name: 'tasks',
  version: 1,
  tables: ['tasks'],
  schema: `CREATE TABLE IF NOT EXISTS tasks (
      env TEXT NOT NULL,
      job TEXT NOT NULL,
      task INTEGER NOT NULL,
      host TEXT NOT NULL,
      port INTEGER NOT NULL,
      desired_revision INTEGER NOT NULL,
      desired_state TEXT NOT NULL DEFAULT 'stopped',
      container_id TEXT,
      container_host TEXT,
      observed_revision INTEGER,
      observed_state TEXT,
      exit_code INTEGER,
      health TEXT NOT NULL DEFAULT 'unknown',
      started_at TEXT,
      PRIMARY KEY (env, job, task)
    );`,
  apply(db: ReadDb, record: RecordedEvent): void {
    const rollout = streamOf(record.streamId);
    if (rollout?.kind === 'rollout') {
      gatePassed(db, rollout.env, record.data as RolloutEvent);
      return;
    }
    const seen = projected(record);
    if (!seen || seen.stream.kind !== 'job') return;
    const { stream, event, at } = seen;
    const env = stream.env;
    switch (event.type) {
      case 'JobRegistered':
      case 'JobRevisionCreated':
        desire(db, env, event.data.job, event.data.revision, event.data.spec);
        return;
      case 'JobRolloutEnded': {
        // The rollout left every task on one revision (a rollback, or a rollout rolled back): it is the desired one now.
        const { job, revision } = event.data;
        if (revision === undefined) return;
        const row = db.prepare('SELECT spec FROM revisions WHERE env = ? AND job = ? AND revision = ?').get(env, job, revision) as { spec: string } | undefined;
        if (row) desire(db, env, job, revision, JSON.parse(row.spec) as JobSpec);
        return;
      }
      case 'JobRemoved':
        db.prepare('DELETE FROM tasks WHERE env = ? AND job = ?').run(env, event.data.job);
        return;
      case 'ContainerStarted': {
        const { job, task, host, containerId, revision } = event.data;
        db.prepare(
          `UPDATE tasks SET container_id = ?, container_host = ?, observed_revision = ?, observed_state = 'running',
             exit_code = NULL, health = 'starting', started_at = ?, desired_state = 'running'
           WHERE env = ? AND job = ? AND task = ?`,
        ).run(containerId, host, revision, at, env, job, task);
        return;
      }
      case 'ContainerStopped':
        sameContainer(db, env, event.data, `observed_state = 'stopped', desired_state = 'stopped', health = 'unknown'`);
        return;
      case 'ContainerExited':
        sameContainer(db, env, event.data, `observed_state = 'exited', exit_code = ${Number(event.data.exitCode) | 0}, health = 'unknown'`);
        return;
      case 'ContainerRemoved':
        sameContainer(db, env, event.data, `container_id = NULL, container_host = NULL, observed_revision = NULL, observed_state = NULL, exit_code = NULL, health = 'unknown', started_at = NULL`);
        return;
      case 'TaskHealthChanged':
        db.prepare('UPDATE tasks SET health = ? WHERE env = ? AND job = ? AND task = ? AND container_id = ?').run(
          event.data.to, env, event.data.job, event.data.task, event.data.containerId,
        );
        return;
      default:
        return;
    }
  },
};

/** Every task of `revision` is desired, where it says; tasks it no longer has go once nothing of theirs runs. */
function desire(db: ReadDb, env: string, job: string, revision: number, spec: JobSpec): void {
  const upsert = db.prepare(
    `INSERT INTO tasks (env, job, task, host, port, desired_revision) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (env, job, task) DO UPDATE SET host = excluded.host, port = excluded.port,
       desired_revision = excluded.desired_revision`,
  );
  for (const task of spec.tasks) upsert.run(env, job, task.index, task.host, task.port, revision);
  db.prepare(`DELETE FROM tasks WHERE env = ? AND job = ? AND task >= ? AND container_id IS NULL`).run(env, job, spec.tasks.length);
}

/**
 * A rollout's health gate passed on a container: it has been healthy for the min healthy time, so
 * `cj status` says so at once rather than `starting` until the observation loop's next look.
 * Only a container still starting is changed: what observation saw since stands.
 */
function gatePassed(db: ReadDb, env: string, event: RolloutEvent): void {
  if (event.type !== 'RolloutHealthCheckPassed') return;
  db.prepare(`UPDATE tasks SET health = 'healthy' WHERE env = ? AND container_id = ? AND health = 'starting'`).run(env, event.containerId);
}

/** Changes the task only when the event is about its current container (not a replaced one). */
function sameContainer(db: ReadDb, env: string, data: { job: string; task: number; containerId: string }, set: string): void {
  db.prepare(`UPDATE tasks SET ${set} WHERE env = ? AND job = ? AND task = ? AND container_id = ?`).run(env, data.job, data.task, data.containerId);
}
