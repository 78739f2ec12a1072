import type { AuditEntry, EventSource, WhyResponse } from '@cj/api';
import type { ReadDb } from '../read-db';

export interface AuditFilter {
  readonly job?: string;
  readonly task?: number;
  readonly host?: string;
  readonly rollout?: string;
  readonly actor?: string;
  /** Any of these types; naming a type shows it at every level. */
  readonly types?: readonly string[];
  readonly since?: string;
  readonly until?: string;
  /** Only events after this log position (a cursor from an earlier page). */
  readonly after?: bigint;
  /** Every event, not only the summary level. */
  readonly all?: boolean;
  readonly limit: number;
}

export interface AuditPage {
  readonly entries: AuditEntry[];
  /** Set when more matching events follow the last entry: the cursor for the next page. */
  readonly moreAfter?: string;
  /** Set when matching events precede the first entry (a page of the newest events). */
  readonly earlierBefore?: string;
}

interface AuditRow {
  position: bigint;
  env: string;
  at: string;
  stream: string;
  type: string;
  job: string | null;
  task: bigint | null;
  host: string | null;
  rollout: string | null;
  container: string | null;
  level: 'summary' | 'detail';
  actor: string;
  reason: string | null;
  summary: string;
  correlation: string | null;
  causation: string | null;
  source: string | null;
}

/** Events that say what became of a task's container: its current state is the latest of them. */
const TASK_STATE_TYPES = ['ContainerStarted', 'ContainerStopped', 'ContainerExited', 'ContainerRemoved'];

/** The audit log from the audit projection, always in log order. */
export class AuditQueries {
  constructor(private readonly db: ReadDb) {}

  /**
   * A page of the log. From `after` or `since`: the first `limit` matching events there on (so a
   * window is read from its start, page by page); from neither: the newest `limit`.
   * `since`/`until` select by the event's time; the page starts at the first event at or after
   * `since` and is in log order from there.
   */
  page(env: string, filter: AuditFilter): AuditPage {
    const where: string[] = ['env = ?'];
    const args: (string | number | bigint)[] = [env];
    const add = (clause: string, ...values: (string | number | bigint)[]) => {
      where.push(clause);
      args.push(...values);
    };
    if (filter.types?.length) add(`type IN (${filter.types.map(() => '?').join(', ')})`, ...filter.types);
    else if (!filter.all) add("level = 'summary'");
    if (filter.job !== undefined) add('job = ?', filter.job);
    if (filter.task !== undefined) add('task = ?', filter.task);
    if (filter.host !== undefined) add('host = ?', filter.host);
    if (filter.rollout !== undefined) add('rollout = ?', filter.rollout);
    if (filter.actor !== undefined) add('actor = ?', filter.actor);
    if (filter.since !== undefined) {
      const first = this.firstPositionAtOrAfter(env, filter.since);
      if (first === undefined) return { entries: [] };
      add('at >= ?', filter.since);
      add('position >= ?', first);
    }
    if (filter.until !== undefined) {
      const last = this.lastPositionAtOrBefore(env, filter.until);
      if (last === undefined) return { entries: [] };
      add('at <= ?', filter.until);
      add('position <= ?', last);
    }
    if (filter.after !== undefined) add('position > ?', filter.after);
    const forward = filter.after !== undefined || filter.since !== undefined;
    const rows = this.db
      .prepare(
        `SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY position ${forward ? 'ASC' : 'DESC'} LIMIT ?`,
      )
      .safeIntegers(true)
      .all(...args, filter.limit + 1) as AuditRow[];
    const beyond = rows.length > filter.limit;
    const page = rows.slice(0, filter.limit);
    if (!forward) page.reverse();
    const entries = page.map(toEntry);
    if (!beyond || entries.length === 0) return { entries };
    return forward
      ? { entries, moreAfter: entries[entries.length - 1].position }
      : { entries, earlierBefore: entries[0].position };
  }

  /**
   * The chain behind a task's current state: the latest event about the container it started last,
   * the command or rollout that started it (its correlation id), the command that started that
   * rollout, and every summary event of those, for the task or the whole job, oldest first.
   */
  why(env: string, job: string, task: number): WhyResponse {
    // The task's container is the one it started last; its state, the latest event about that container.
    const started = this.db
      .prepare(
        `SELECT * FROM audit_log WHERE env = ? AND job = ? AND task = ? AND type = 'ContainerStarted' ORDER BY position DESC LIMIT 1`,
      )
      .safeIntegers(true)
      .get(env, job, task) as AuditRow | undefined;
    if (!started) return { job, task, chain: [] };
    const state =
      (this.db
        .prepare(
          `SELECT * FROM audit_log WHERE env = ? AND job = ? AND task = ? AND position > ? AND container = ? AND type IN (${TASK_STATE_TYPES.map(() => '?').join(', ')})
           ORDER BY position DESC LIMIT 1`,
        )
        .safeIntegers(true)
        .get(env, job, task, started.position, started.container, ...TASK_STATE_TYPES) as AuditRow | undefined) ??
      started;
    const correlations = new Set<string>();
    const rollouts = new Set<string>();
    // By the rollout's index: left to itself, SQLite reads every RolloutStarted of the env instead.
    const rolloutStart = this.db.prepare(
      `SELECT correlation, rollout FROM audit_log INDEXED BY audit_log_env_rollout WHERE env = ? AND rollout = ? AND type = 'RolloutStarted' LIMIT 1`,
    );
    for (const row of [state, started]) {
      if (row === undefined) continue;
      if (row.rollout !== null) rollouts.add(row.rollout);
      if (row.correlation === null) continue;
      correlations.add(row.correlation);
      // The runner's events are correlated by their rollout's id: the rollout's start names the command.
      const start = rolloutStart.get(env, row.correlation) as
        { correlation: string | null; rollout: string } | undefined;
      if (start) {
        rollouts.add(start.rollout);
        if (start.correlation !== null) correlations.add(start.correlation);
      }
    }
    for (const rollout of rollouts) {
      const start = rolloutStart.get(env, rollout) as { correlation: string | null } | undefined;
      if (start?.correlation) correlations.add(start.correlation);
    }
    const byCorrelation = this.db
      .prepare(
        `SELECT * FROM audit_log WHERE env = ? AND correlation = ? AND position <= ? AND level = 'summary' AND (task IS NULL OR task = ?)
           AND (job IS NULL OR job = ?)`,
      )
      .safeIntegers(true);
    const byRollout = this.db
      // The whole rollout, to its end: the task's state is what the rollout left it in.
      .prepare(
        `SELECT * FROM audit_log INDEXED BY audit_log_env_rollout WHERE env = ? AND rollout = ? AND level = 'summary' AND (task IS NULL OR task = ?)`,
      )
      .safeIntegers(true);
    const found = new Map<bigint, AuditRow>();
    for (const correlation of correlations)
      for (const row of byCorrelation.all(env, correlation, state.position, task, job) as AuditRow[])
        found.set(row.position, row);
    for (const rollout of rollouts)
      for (const row of byRollout.all(env, rollout, task) as AuditRow[]) found.set(row.position, row);
    found.set(state.position, state);
    const chain = [...found.values()].sort((a, b) => (a.position < b.position ? -1 : 1)).map(toEntry);
    return { job, task, state: toEntry(state), chain };
  }

  /** Events recorded for the env, for tests and health checks of the read side. */
  count(env: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM audit_log WHERE env = ?').get(env) as { n: number }).n;
  }

  private firstPositionAtOrAfter(env: string, at: string): bigint | undefined {
    const row = this.db
      .prepare('SELECT position FROM audit_log WHERE env = ? AND at >= ? ORDER BY at, position LIMIT 1')
      .safeIntegers(true)
      .get(env, at) as { position: bigint } | undefined;
    return row?.position;
  }

  private lastPositionAtOrBefore(env: string, at: string): bigint | undefined {
    const row = this.db
      .prepare('SELECT position FROM audit_log WHERE env = ? AND at <= ? ORDER BY at DESC, position DESC LIMIT 1')
      .safeIntegers(true)
      .get(env, at) as { position: bigint } | undefined;
    return row?.position;
  }
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    position: String(row.position),
    at: row.at,
    env: row.env,
    stream: row.stream,
    type: row.type,
    ...(row.job !== null && { job: row.job }),
    ...(row.task !== null && { task: Number(row.task) }),
    ...(row.host !== null && { host: row.host }),
    ...(row.rollout !== null && { rollout: row.rollout }),
    level: row.level,
    actor: row.actor,
    ...(row.reason !== null && { reason: row.reason }),
    summary: row.summary,
    ...(row.correlation !== null && { correlationId: row.correlation }),
    ...(row.causation !== null && { causationId: row.causation }),
    ...(row.source !== null && { source: JSON.parse(row.source) as EventSource }),
  };
}
