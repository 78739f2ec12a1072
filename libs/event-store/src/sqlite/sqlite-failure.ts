import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CorruptEventLogError,
  EventLogBusyError,
  EventLogDiskFullError,
  EventLogReadOnlyError,
  EventLogUnavailableError,
  NotAnEventLogError,
} from './errors';

/**
 * Fails early, with the store's typed errors, when the log cannot be opened for writing: the
 * store needs its directory too, for the -wal and -shm files SQLite keeps beside the log.
 */
export function assertWritableLocation(file: string): void {
  if (!existsSync(dirname(file))) {
    throw new EventLogUnavailableError(file, `its directory ${dirname(file)} does not exist; create it first`);
  }
  const problem = writeAccessProblem(file);
  if (problem !== undefined) throw new EventLogReadOnlyError(file, problem);
}

/** What cannot be written, for an error message; undefined when the file and its directory can be. */
function writeAccessProblem(file: string): string | undefined {
  const directory = dirname(file);
  for (const path of existsSync(file) ? [directory, file] : [directory]) {
    try {
      accessSync(path, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'EROFS' ? `${path} is on a read-only file system` : `${path} is not writable (${code})`;
    }
  }
  return undefined;
}

/**
 * Turns an SQLite failure into the store's typed error for the file; anything that is not an
 * SQLite error (including the store's own typed errors) passes through unchanged.
 */
export function translateSqliteFailure(error: unknown, file: string, busyTimeoutMs: number): unknown {
  const code = sqliteCode(error);
  if (code === undefined) return error;
  const { message } = error as { message: string };
  if (code === 'SQLITE_NOTADB') return new NotAnEventLogError(file, 'it is not an SQLite database');
  if (code.startsWith('SQLITE_CORRUPT')) return new CorruptEventLogError(file, message);
  if (code === 'SQLITE_FULL') return new EventLogDiskFullError(file);
  if (code.startsWith('SQLITE_READONLY')) return new EventLogReadOnlyError(file, writeAccessProblem(file) ?? message);
  if (code.startsWith('SQLITE_BUSY')) return new EventLogBusyError(file, busyTimeoutMs);
  if (code.startsWith('SQLITE_CANTOPEN')) {
    const problem = existsSync(dirname(file)) ? writeAccessProblem(file) : undefined;
    if (problem !== undefined) return new EventLogReadOnlyError(file, problem);
  }
  return new EventLogUnavailableError(file, `${code}: ${message}`);
}

/**
 * The SQLite result code of an error from better-sqlite3, if it is one. Read from the error's
 * fields rather than by `instanceof`: the native addon keeps the SqliteError class of the first
 * module instance that loaded it, which under Jest belongs to another test file's realm.
 */
export function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'SqliteError' && typeof code === 'string' ? code : undefined;
}
