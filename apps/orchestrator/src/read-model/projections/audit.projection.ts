import type { RecordedEvent } from '@cj/event-store';
import type { Projection } from '../projection';
import type { ReadDb } from '../read-db';
import { summarize } from './event-summary';
import { streamOf } from './projected-event';

interface AuditMetadata {
  readonly actor?: string;
  readonly reason?: string;
  readonly occurredAt?: string;
}

/** Every cj event, one row each: when, where, what, who and why. */
export const auditProjection: Projection = {
  name: 'audit',
  version: 1,
  tables: ['audit_log'],
  schema: `CREATE TABLE IF NOT EXISTS audit_log (
      position INTEGER PRIMARY KEY,
      env TEXT NOT NULL,
      at TEXT NOT NULL,
      stream TEXT NOT NULL,
      type TEXT NOT NULL,
      job TEXT,
      actor TEXT NOT NULL,
      reason TEXT,
      summary TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS audit_log_env_at ON audit_log (env, at);`,
  apply(db: ReadDb, event: RecordedEvent): void {
    const address = streamOf(event.streamId);
    if (!address) return;
    const metadata = (event.metadata ?? {}) as AuditMetadata;
    const data = (event.data ?? {}) as Record<string, unknown>;
    const job = address.kind === 'job' ? address.id : typeof data['job'] === 'string' ? data['job'] : address.kind === 'rollout' ? rolloutJob(db, address.env, address.id) : null;
    db.prepare(
      `INSERT OR IGNORE INTO audit_log (position, env, at, stream, type, job, actor, reason, summary)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      event.position,
      address.env,
      metadata.occurredAt ?? event.created.toISOString(),
      event.streamId,
      event.type,
      job,
      metadata.actor ?? 'unknown',
      metadata.reason ?? null,
      summarize(event.type, data),
    );
  },
};

/** A rollout's later events do not name the job: the rollouts projection (applied first) knows it. */
function rolloutJob(db: ReadDb, env: string, id: string): string | null {
  const row = db.prepare('SELECT job FROM rollouts WHERE env = ? AND id = ?').get(env, id) as { job: string } | undefined;
  return row?.job ?? null;
}
