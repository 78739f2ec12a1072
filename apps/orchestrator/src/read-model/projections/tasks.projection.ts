import type { RolloutEvent } from '@cj/domain';
import type { JobSpec } from '@cj/api';
import type { RecordedEvent } from '@cj/event-store';
import type { Projection } from '../projection';
import type { ReadDb } from '../read-db';
import { rolloutEventOf } from '../../store/event-codec';
import { projected, streamOf } from './projected-event';

/**
 * What runs where now: one row per task with what is desired (revision, running or stopped) beside
 * what was last observed (its container, revision, state, health). A task the desired revision no
 * longer has (a scale down) keeps its row, marked dropped, only while a container of it is known.
 * Beside it, every container the log knows per task: when the task's current container is removed
 * while an earlier one still runs (a rollback of a start-first swap or of a moved task, which never
 * stopped the old container), the row shows that one again.
 */
export const tasksProjection: Projection = {
  name: 'tasks',
  version: 4,
  tables: ['tasks', 'task_containers'],
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
      restart_count INTEGER NOT NULL DEFAULT 0,
      observed_at TEXT,
      dropped INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (env, job, task)
    );
    CREATE TABLE IF NOT EXISTS task_containers (
      env TEXT NOT NULL,
      job TEXT NOT NULL,
      task INTEGER NOT NULL,
      container_id TEXT NOT NULL,
      host TEXT NOT NULL,
      revision INTEGER NOT NULL,
      state TEXT NOT NULL,
      started_at TEXT NOT NULL,
      PRIMARY KEY (env, job, container_id)
    );`,
  apply(db: ReadDb, record: RecordedEvent): void {
    const rollout = streamOf(record.streamId);
    if (rollout?.kind === 'rollout') {
      const event = rolloutEventOf(record);
      if (event) gatePassed(db, rollout.env, event);
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
        const row = db
          .prepare('SELECT spec FROM revisions WHERE env = ? AND job = ? AND revision = ?')
          .get(env, job, revision) as { spec: string } | undefined;
        if (row) desire(db, env, job, revision, JSON.parse(row.spec) as JobSpec);
        return;
      }
      case 'JobStopped':
        db.prepare(`UPDATE tasks SET desired_state = 'stopped' WHERE env = ? AND job = ?`).run(env, event.data.job);
        return;
      case 'JobRemoved':
        db.prepare('DELETE FROM tasks WHERE env = ? AND job = ?').run(env, event.data.job);
        db.prepare('DELETE FROM task_containers WHERE env = ? AND job = ?').run(env, event.data.job);
        return;
      case 'ContainerStarted': {
        const { job, task, host, containerId, revision } = event.data;
        db.prepare(
          `INSERT INTO task_containers (env, job, task, container_id, host, revision, state, started_at) VALUES (?, ?, ?, ?, ?, ?, 'running', ?)
           ON CONFLICT (env, job, container_id) DO UPDATE SET state = 'running', started_at = excluded.started_at`,
        ).run(env, job, task, containerId, host, revision, at);
        db.prepare(
          `UPDATE tasks SET container_id = ?, container_host = ?, observed_revision = ?, observed_state = 'running',
             exit_code = NULL, health = 'starting', started_at = ?, restart_count = 0, observed_at = ?, desired_state = 'running'
           WHERE env = ? AND job = ? AND task = ?`,
        ).run(containerId, host, revision, at, at, env, job, task);
        return;
      }
      case 'ContainerStopped':
        containerState(db, env, event.data, 'stopped');
        sameContainer(
          db,
          env,
          event.data,
          `observed_state = 'stopped', desired_state = 'stopped', health = 'unknown', observed_at = ?`,
          at,
        );
        return;
      case 'ContainerExited':
        containerState(db, env, event.data, 'exited');
        sameContainer(
          db,
          env,
          event.data,
          `observed_state = 'exited', exit_code = ${Number(event.data.exitCode) | 0}, health = 'unknown', observed_at = ?`,
          event.data.exitedAt ?? at,
        );
        return;
      case 'ContainerRestarted': {
        // The engine started it again by its restart policy: it runs, since the engine said so.
        const started = event.data.startedAt ?? at;
        db.prepare(`UPDATE task_containers SET state = 'running' WHERE env = ? AND job = ? AND container_id = ?`).run(
          env,
          event.data.job,
          event.data.containerId,
        );
        sameContainer(
          db,
          env,
          event.data,
          `observed_state = 'running', exit_code = NULL, health = 'starting', started_at = ?, restart_count = ${Number(event.data.count) | 0}, observed_at = ?`,
          started,
          at,
        );
        return;
      }
      case 'ContainerRemoved':
        db.prepare('DELETE FROM task_containers WHERE env = ? AND job = ? AND container_id = ?').run(
          env,
          event.data.job,
          event.data.containerId,
        );
        sameContainer(
          db,
          env,
          event.data,
          `container_id = NULL, container_host = NULL, observed_revision = NULL, observed_state = NULL, exit_code = NULL, health = 'unknown', started_at = NULL`,
        );
        showRunningAgain(db, env, event.data.job, event.data.task);
        // The last known container of a dropped task is gone (a rollout removed it as a leftover): so is the task.
        db.prepare(
          'DELETE FROM tasks WHERE env = ? AND job = ? AND task = ? AND dropped = 1 AND container_id IS NULL',
        ).run(env, event.data.job, event.data.task);
        return;
      case 'TaskHealthChanged':
        db.prepare(
          'UPDATE tasks SET health = ?, observed_at = ? WHERE env = ? AND job = ? AND task = ? AND container_id = ?',
        ).run(event.data.to, at, env, event.data.job, event.data.task, event.data.containerId);
        return;
      default:
        return;
    }
  },
};

/**
 * Every task of `revision` is desired, where it says. Tasks it no longer has go at once when no
 * container of theirs is known, else are marked dropped until their last known container is removed.
 */
function desire(db: ReadDb, env: string, job: string, revision: number, spec: JobSpec): void {
  const upsert = db.prepare(
    `INSERT INTO tasks (env, job, task, host, port, desired_revision) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (env, job, task) DO UPDATE SET host = excluded.host, port = excluded.port,
       desired_revision = excluded.desired_revision, dropped = 0`,
  );
  for (const task of spec.tasks) upsert.run(env, job, task.index, task.host, task.port, revision);
  db.prepare(`DELETE FROM tasks WHERE env = ? AND job = ? AND task >= ? AND container_id IS NULL`).run(
    env,
    job,
    spec.tasks.length,
  );
  db.prepare(`UPDATE tasks SET dropped = 1 WHERE env = ? AND job = ? AND task >= ?`).run(env, job, spec.tasks.length);
}

/**
 * A rollout's health gate passed on a container: it has been healthy for the min healthy time, so
 * `cj status` says so at once rather than `starting` until the observation loop's next look.
 * Only a container still starting is changed: what observation saw since stands.
 */
function gatePassed(db: ReadDb, env: string, event: RolloutEvent): void {
  if (event.type !== 'RolloutHealthCheckPassed') return;
  db.prepare(`UPDATE tasks SET health = 'healthy' WHERE env = ? AND container_id = ? AND health = 'starting'`).run(
    env,
    event.data.containerId,
  );
}

function containerState(
  db: ReadDb,
  env: string,
  data: { job: string; containerId: string },
  state: 'stopped' | 'exited',
): void {
  db.prepare('UPDATE task_containers SET state = ? WHERE env = ? AND job = ? AND container_id = ?').run(
    state,
    env,
    data.job,
    data.containerId,
  );
}

/** A task left without a current container shows the newest of its containers that still runs, if one does. */
function showRunningAgain(db: ReadDb, env: string, job: string, task: number): void {
  const runs = db
    .prepare(
      `SELECT container_id, host, revision, started_at FROM task_containers WHERE env = ? AND job = ? AND task = ? AND state = 'running' ORDER BY started_at DESC LIMIT 1`,
    )
    .get(env, job, task) as { container_id: string; host: string; revision: number; started_at: string } | undefined;
  if (!runs) return;
  db.prepare(
    `UPDATE tasks SET container_id = ?, container_host = ?, observed_revision = ?, observed_state = 'running', exit_code = NULL, health = 'unknown', started_at = ?
     WHERE env = ? AND job = ? AND task = ? AND container_id IS NULL`,
  ).run(runs.container_id, runs.host, runs.revision, runs.started_at, env, job, task);
}

/** Changes the task only when the event is about its current container (not a replaced one). */
function sameContainer(
  db: ReadDb,
  env: string,
  data: { job: string; task: number; containerId: string },
  set: string,
  ...values: string[]
): void {
  db.prepare(`UPDATE tasks SET ${set} WHERE env = ? AND job = ? AND task = ? AND container_id = ?`).run(
    ...values,
    env,
    data.job,
    data.task,
    data.containerId,
  );
}
