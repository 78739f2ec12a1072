import type { RecordedEvent } from '@cj/event-store';
import { auditFacts } from '@cj/domain';
import type { EventSource } from '@cj/api';
import type { Projection } from '../projection';
import type { ReadDb } from '../read-db';
import { sourceNote, summarize } from './event-summary';
import { streamOf } from './projected-event';

interface AuditMetadata {
  readonly actor?: string;
  readonly reason?: string;
  readonly occurredAt?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly source?: EventSource;
}

/** A rollout's later events name neither its job nor its tasks' hosts: its start does, kept here. */
interface RolloutPlace {
  readonly job: string;
  readonly hosts: Record<number, string>;
}

const statements = new WeakMap<ReadDb, ReturnType<typeof prepare>>();

function prepare(db: ReadDb) {
  return {
    insert: db.prepare(
      `INSERT OR IGNORE INTO audit_log (position, env, at, stream, type, job, task, host, rollout, container, level, actor, reason, summary, correlation, causation, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    place: db.prepare('SELECT job, hosts FROM audit_rollouts WHERE env = ? AND id = ?'),
    savePlace: db.prepare('INSERT OR REPLACE INTO audit_rollouts (env, id, job, hosts) VALUES (?, ?, ?, ?)'),
  };
}

/**
 * Every cj event, one row each: when, where (env, job, task, host, rollout), what, who and why,
 * its audit level, and the command it belongs to (correlation) and what caused it. Indexed for
 * each filter of `cj audit` in log order, and by correlation for `cj why`.
 */
export const auditProjection: Projection = {
  name: 'audit',
  version: 3,
  tables: ['audit_log', 'audit_rollouts'],
  schema: `CREATE TABLE IF NOT EXISTS audit_log (
      position INTEGER PRIMARY KEY,
      env TEXT NOT NULL,
      at TEXT NOT NULL,
      stream TEXT NOT NULL,
      type TEXT NOT NULL,
      job TEXT,
      task INTEGER,
      host TEXT,
      rollout TEXT,
      container TEXT,
      level TEXT NOT NULL,
      actor TEXT NOT NULL,
      reason TEXT,
      summary TEXT NOT NULL,
      correlation TEXT,
      causation TEXT,
      source TEXT
    );
    CREATE INDEX IF NOT EXISTS audit_log_env_at ON audit_log (env, at);
    CREATE INDEX IF NOT EXISTS audit_log_env_position ON audit_log (env, position);
    CREATE INDEX IF NOT EXISTS audit_log_env_level ON audit_log (env, level, position);
    CREATE INDEX IF NOT EXISTS audit_log_env_job ON audit_log (env, job, task, position);
    CREATE INDEX IF NOT EXISTS audit_log_env_host ON audit_log (env, host, position);
    CREATE INDEX IF NOT EXISTS audit_log_env_rollout ON audit_log (env, rollout, position);
    CREATE INDEX IF NOT EXISTS audit_log_env_actor ON audit_log (env, actor, position);
    CREATE INDEX IF NOT EXISTS audit_log_env_type ON audit_log (env, type, position);
    CREATE INDEX IF NOT EXISTS audit_log_env_correlation ON audit_log (env, correlation, position);
    CREATE TABLE IF NOT EXISTS audit_rollouts (
      env TEXT NOT NULL,
      id TEXT NOT NULL,
      job TEXT NOT NULL,
      hosts TEXT NOT NULL,
      PRIMARY KEY (env, id)
    );`,
  apply(db: ReadDb, event: RecordedEvent): void {
    const address = streamOf(event.streamId);
    if (!address) return;
    let sql = statements.get(db);
    if (!sql) statements.set(db, (sql = prepare(db)));
    const metadata = (event.metadata ?? {}) as AuditMetadata;
    const data = (event.data ?? {}) as Record<string, unknown>;
    let place: RolloutPlace | undefined;
    if (address.kind === 'rollout') {
      if (event.type === 'RolloutStarted') {
        const tasks = Array.isArray(data['tasks']) ? (data['tasks'] as { task: number; host: string }[]) : [];
        place = { job: String(data['job']), hosts: Object.fromEntries(tasks.map((t) => [t.task, t.host])) };
        sql.savePlace.run(address.env, address.id, place.job, JSON.stringify(place.hosts));
      } else {
        const row = sql.place.get(address.env, address.id) as { job: string; hosts: string } | undefined;
        place = row && { job: row.job, hosts: JSON.parse(row.hosts) as Record<number, string> };
      }
    }
    const facts = auditFacts(address, event.type, data, (task) => place?.hosts[task]);
    sql.insert.run(
      event.position,
      address.env,
      metadata.occurredAt ?? event.created.toISOString(),
      event.streamId,
      event.type,
      facts.job ?? place?.job ?? null,
      facts.task ?? null,
      facts.host ?? null,
      facts.rollout ?? null,
      typeof data['containerId'] === 'string' ? data['containerId'] : null,
      facts.level,
      metadata.actor ?? 'unknown',
      metadata.reason ?? null,
      summarize(event.type, data) + sourceNote(metadata.source),
      metadata.correlationId ?? null,
      metadata.causationId ?? null,
      metadata.source && typeof metadata.source === 'object' ? JSON.stringify(metadata.source) : null,
    );
  },
};
