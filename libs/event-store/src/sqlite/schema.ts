import type Database from 'better-sqlite3';
import { EventLogUnavailableError, NotAnEventLogError } from './errors';

/** Marks the file as a cj event log in the SQLite header ("cjev"), so a foreign database is refused. */
const APPLICATION_ID = 0x636a6576;
const SCHEMA_VERSION = 1;

/**
 * `position` is the rowid: assigned inside the write transaction, which SQLite serialises, so
 * positions follow commit order and a reader never sees a later position before an earlier one.
 * An event id is unique within its stream for ever (EventStoreDB only remembers recent ids).
 */
const SCHEMA = `
  CREATE TABLE events (
    position  INTEGER PRIMARY KEY,
    stream_id TEXT    NOT NULL,
    revision  INTEGER NOT NULL CHECK (revision >= 0),
    event_id  TEXT    NOT NULL,
    type      TEXT    NOT NULL,
    data      TEXT    NOT NULL,
    metadata  TEXT,
    created   INTEGER NOT NULL,
    UNIQUE (stream_id, revision),
    UNIQUE (stream_id, event_id)
  ) STRICT;
  CREATE INDEX events_by_type ON events (type, position);
`;

export interface DurabilitySettings {
  readonly journalMode: string;
  /** SQLite's code: 2 is FULL (fsync on every commit in WAL mode). */
  readonly synchronous: number;
  readonly busyTimeoutMs: number;
}

/** Sets the durability pragmas, reads them back, and creates or checks the schema. */
export function prepareEventLog(db: Database.Database, file: string): DurabilitySettings {
  const journalMode = db.pragma('journal_mode = WAL', { simple: true }) as string;
  if (journalMode !== 'wal') {
    throw new EventLogUnavailableError(
      file,
      `its file system cannot keep a write-ahead log (journal mode ${journalMode})`,
    );
  }
  // better-sqlite3 leaves WAL at NORMAL, which can lose the last commits when the machine fails.
  db.pragma('synchronous = FULL');
  db.transaction(() => ensureSchema(db, file)).immediate();
  return {
    journalMode,
    synchronous: db.pragma('synchronous', { simple: true }) as number,
    busyTimeoutMs: db.pragma('busy_timeout', { simple: true }) as number,
  };
}

function ensureSchema(db: Database.Database, file: string): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  const { tables } = db.prepare('SELECT count(*) AS tables FROM sqlite_schema').get() as { tables: number };
  if (applicationId === 0 && tables === 0) {
    db.exec(SCHEMA);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return;
  }
  if (applicationId !== APPLICATION_ID) {
    throw new NotAnEventLogError(file, `it is an SQLite database of another program (application id ${applicationId})`);
  }
  if (version > SCHEMA_VERSION) {
    throw new EventLogUnavailableError(file, `it was written by a newer cj (schema ${version}); upgrade cj to open it`);
  }
}
