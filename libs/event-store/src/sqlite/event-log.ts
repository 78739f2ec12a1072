import type Database from 'better-sqlite3';
import type { EventFilter, RecordedEvent } from '../port';

/** One row of the events table, read with 64-bit integers as bigint. */
interface EventRow {
  readonly position: bigint;
  readonly stream_id: string;
  readonly revision: bigint;
  readonly event_id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string | null;
  readonly created: bigint;
}

/** An event ready to be written: serialised, with its id normalised. */
export interface PendingEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string | null;
}

export interface StoredId {
  readonly revision: bigint;
  readonly position: bigint;
  readonly id: string;
}

export type Direction = 'forwards' | 'backwards';

/** SQLite's "no limit". */
const ALL = -1;
const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata, created';

/**
 * The SQL side of the store: prepared statements over the events table and nothing else. The
 * store's rules (expected revisions, retries, errors) live in SqliteEventStore.
 */
export class EventLog {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /** Runs `work` in one IMMEDIATE transaction: the write lock is taken before anything is read. */
  writing<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  /** The stream's last revision, -1n when it has no events. */
  lastRevision(streamId: string): bigint {
    const row = this.statement('SELECT max(revision) AS revision FROM events WHERE stream_id = ?').get(streamId) as {
      revision: bigint | null;
    };
    return row.revision ?? -1n;
  }

  idsFrom(streamId: string, fromRevision: bigint, count: number): StoredId[] {
    return this.statement(
      `SELECT revision, position, event_id AS id FROM events
        WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    ).all(streamId, fromRevision, count) as StoredId[];
  }

  findId(streamId: string, eventId: string): StoredId | undefined {
    return this.statement(
      'SELECT revision, position, event_id AS id FROM events WHERE stream_id = ? AND event_id = ?',
    ).get(streamId, eventId) as StoredId | undefined;
  }

  /** Inserts one event and returns its global position. */
  insert(streamId: string, revision: bigint, event: PendingEvent, created: number): bigint {
    const result = this.statement(
      `INSERT INTO events (stream_id, revision, event_id, type, data, metadata, created)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(streamId, revision, event.id, event.type, event.data, event.metadata, created);
    return BigInt(result.lastInsertRowid);
  }

  lastPosition(): bigint {
    const row = this.statement('SELECT max(position) AS position FROM events').get() as { position: bigint | null };
    return row.position ?? 0n;
  }

  /** Stream events from an inclusive revision. */
  readStream(streamId: string, direction: Direction, from: bigint, maxCount: number = ALL): RecordedEvent[] {
    const [comparison, order] = direction === 'forwards' ? ['>=', 'ASC'] : ['<=', 'DESC'];
    return this.read(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision ${comparison} ? ORDER BY revision ${order} LIMIT ?`,
      [streamId, from, maxCount],
    );
  }

  /** Stream events strictly after a revision, oldest first. */
  readStreamAfter(streamId: string, after: bigint, maxCount: number): RecordedEvent[] {
    return this.read(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision > ? ORDER BY revision LIMIT ?`, [
      streamId,
      after,
      maxCount,
    ]);
  }

  /** Global-log events from an inclusive position. */
  readAll(direction: Direction, from: bigint, maxCount: number = ALL, filter?: EventFilter): RecordedEvent[] {
    const [comparison, order] = direction === 'forwards' ? ['>=', 'ASC'] : ['<=', 'DESC'];
    return this.readGlobal(comparison, order, from, maxCount, filter);
  }

  /** Global-log events strictly after a position, oldest first. */
  readAllAfter(after: bigint, maxCount: number, filter?: EventFilter): RecordedEvent[] {
    return this.readGlobal('>', 'ASC', after, maxCount, filter);
  }

  private readGlobal(
    comparison: string,
    order: string,
    from: bigint,
    maxCount: number,
    filter: EventFilter | undefined,
  ): RecordedEvent[] {
    const clauses = [`position ${comparison} ?`];
    const parameters: unknown[] = [from];
    const prefixes = filter?.streamPrefixes ?? [];
    if (prefixes.length > 0) {
      // substr, not LIKE: LIKE ignores ASCII case and treats % and _ in a prefix as wildcards.
      clauses.push(`(${prefixes.map(() => 'substr(stream_id, 1, length(?)) = ?').join(' OR ')})`);
      parameters.push(...prefixes.flatMap((prefix) => [prefix, prefix]));
    }
    const types = filter?.eventTypes ?? [];
    if (types.length > 0) {
      clauses.push(`type IN (${types.map(() => '?').join(', ')})`);
      parameters.push(...types);
    }
    parameters.push(maxCount);
    return this.read(
      `SELECT ${COLUMNS} FROM events WHERE ${clauses.join(' AND ')} ORDER BY position ${order} LIMIT ?`,
      parameters,
    );
  }

  private read(sql: string, parameters: unknown[]): RecordedEvent[] {
    return (this.statement(sql).all(...parameters) as EventRow[]).map(toRecordedEvent);
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql).safeIntegers(true);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    id: row.event_id,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: row.metadata === null ? undefined : JSON.parse(row.metadata),
    created: new Date(Number(row.created)),
  };
}
