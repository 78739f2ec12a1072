import { createHash } from 'node:crypto';
import type { ReadDb } from '../read-model/read-db';

/** What the first request with a command id asked for, and (once it answered) what it answered. */
export interface CommandAnswer {
  readonly commandId: string;
  readonly fingerprint: string;
  readonly request: string;
  readonly receivedAt: string;
  readonly status: number | null;
  readonly answer: string | null;
}

/**
 * The answers of commands, by command id, in the read-model file: what makes a retried request
 * return its first answer without running again, and a reused id with another body a conflict.
 * It is not a projection (no event says what a command answered), so a rebuild keeps it; without
 * it (a lost read-model file) a reused id still writes nothing twice, as event ids derive from it.
 */
export class CommandAnswers {
  constructor(private readonly db: ReadDb) {
    db.exec(`CREATE TABLE IF NOT EXISTS command_answers (
      command_id TEXT PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      request TEXT NOT NULL,
      received_at TEXT NOT NULL,
      status INTEGER,
      answer TEXT
    )`);
  }

  /** Claims the id for this request; answers the row already there when another request claimed it first. */
  claim(commandId: string, fingerprint: string, request: string, receivedAt: string): CommandAnswer | undefined {
    const inserted = this.db
      .prepare(
        'INSERT INTO command_answers (command_id, fingerprint, request, received_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(commandId, fingerprint, request, receivedAt);
    if (inserted.changes > 0) return undefined;
    const row = this.db.prepare('SELECT * FROM command_answers WHERE command_id = ?').get(commandId) as
      | {
          command_id: string;
          fingerprint: string;
          request: string;
          received_at: string;
          status: number | null;
          answer: string | null;
        }
      | undefined;
    if (!row) return undefined;
    return {
      commandId: row.command_id,
      fingerprint: row.fingerprint,
      request: row.request,
      receivedAt: row.received_at,
      status: row.status,
      answer: row.answer,
    };
  }

  answered(commandId: string, status: number, answer: unknown): void {
    this.db
      .prepare('UPDATE command_answers SET status = ?, answer = ? WHERE command_id = ?')
      .run(status, JSON.stringify(answer ?? null), commandId);
  }

  /** A refused command recorded nothing: the id is free again, so a corrected retry may run. */
  release(commandId: string): void {
    this.db.prepare('DELETE FROM command_answers WHERE command_id = ? AND answer IS NULL').run(commandId);
  }
}

/** The request as a command: its method, path and body, keys sorted, so equal requests hash equal. */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonical(body)}`)
    .digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
