import type { AuditEntry } from '@cj/domain';
import type { ReadDb } from '../read-db';

export interface AuditFilter {
  readonly job?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit: number;
}

/** The audit log, oldest first, from the audit projection. */
export class AuditQueries {
  constructor(private readonly db: ReadDb) {}

  entries(env: string, filter: AuditFilter): AuditEntry[] {
    const conditions: [string, string | undefined][] = [
      ['env = ?', env],
      ['job = ?', filter.job],
      ['at >= ?', filter.since],
      ['at <= ?', filter.until],
    ];
    const given = conditions.filter((condition): condition is [string, string] => condition[1] !== undefined);
    const where = given.map(([clause]) => clause);
    const args = given.map(([, value]) => value);
    const rows = this.db
      .prepare(`SELECT * FROM (SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY position DESC LIMIT ?) ORDER BY position`)
      .safeIntegers(true)
      .all(...args, filter.limit) as { position: bigint; at: string; stream: string; type: string; actor: string; reason: string | null; summary: string }[];
    return rows.map((row) => ({
      position: String(row.position),
      at: row.at,
      stream: row.stream,
      type: row.type,
      actor: row.actor,
      ...(row.reason !== null && { reason: row.reason }),
      summary: row.summary,
    }));
  }

  /** Events recorded for the env, for tests and health checks of the read side. */
  count(env: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM audit_log WHERE env = ?').get(env) as { n: number }).n;
  }
}
