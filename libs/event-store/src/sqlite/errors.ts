import { EventStoreError } from '../errors';

/** A problem with the event log's file itself; `file` names it so an operator can act. */
export abstract class EventLogFileError extends EventStoreError {
  protected constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** The file is not an SQLite database, or is one that another program owns. */
export class NotAnEventLogError extends EventLogFileError {
  override readonly name = 'NotAnEventLogError';
  constructor(file: string, detail: string) {
    super(file, `${file} is not a cj event log (${detail}); point the store at an event log or at a new file`);
  }
}

/** SQLite found damaged pages. Nothing is written; restore the file from a copy or a replica. */
export class CorruptEventLogError extends EventLogFileError {
  override readonly name = 'CorruptEventLogError';
  constructor(file: string, detail: string) {
    super(file, `event log ${file} is damaged (${detail}); restore it from a backup or a replica`);
  }
}

export class EventLogReadOnlyError extends EventLogFileError {
  override readonly name = 'EventLogReadOnlyError';
  constructor(file: string, detail: string) {
    super(
      file,
      `event log ${file} cannot be written (${detail}); the store needs write access to the file and its directory ` +
        '(it keeps -wal and -shm files beside it): remount the file system read-write or move the log',
    );
  }
}

export class EventLogDiskFullError extends EventLogFileError {
  override readonly name = 'EventLogDiskFullError';
  constructor(file: string) {
    super(file, `the disk holding event log ${file} is full; the append was not written. Free space and retry`);
  }
}

/** Another process held the write lock for longer than the busy timeout. */
export class EventLogBusyError extends EventLogFileError {
  override readonly name = 'EventLogBusyError';
  constructor(file: string, busyTimeoutMs: number) {
    super(
      file,
      `event log ${file} is locked by another writer (waited up to ${busyTimeoutMs} ms); retry, or raise busyTimeoutMs`,
    );
  }
}

/** The file cannot be opened or used for a reason other than the ones above. */
export class EventLogUnavailableError extends EventLogFileError {
  override readonly name = 'EventLogUnavailableError';
  constructor(file: string, detail: string) {
    super(file, `event log ${file} cannot be used: ${detail}`);
  }
}

/**
 * The embedded store keeps an event id unique within its stream forever (EventStoreDB only
 * remembers recent ids), so reusing one outside an idempotent retry is refused.
 */
export class DuplicateEventIdError extends EventStoreError {
  override readonly name = 'DuplicateEventIdError';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
    /** Revision that already holds the id. */
    readonly revision: bigint,
  ) {
    super(
      `stream ${streamId} already holds event id ${eventId} at revision ${revision}; ` +
        'a retry must repeat the whole original append with its expected revision, and new events need new ids',
    );
  }
}

export class EventStoreClosedError extends EventStoreError {
  override readonly name = 'EventStoreClosedError';
  constructor(readonly file: string) {
    super(`event store ${file} is closed; open it again to use it`);
  }
}
