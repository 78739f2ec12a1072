import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type ReadDb = Database.Database;

/**
 * Opens the read-model database. It is derived data (rebuildable from the log), so NORMAL
 * synchronisation is enough: a lost tail is replayed from the last stored checkpoint.
 */
export function openReadDb(path: string): ReadDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS projection_checkpoint (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
  )`);
  return db;
}
