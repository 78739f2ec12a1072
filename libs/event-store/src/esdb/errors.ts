import { EventStoreError } from '../errors';

/** The connection string could not be parsed; nothing was contacted. */
export class InvalidConnectionStringError extends EventStoreError {
  override readonly name = 'InvalidConnectionStringError';
  constructor(
    readonly connectionString: string,
    readonly reason: string,
  ) {
    super(
      `invalid EventStoreDB connection string "${connectionString}": ${reason}. ` +
        'Use the form esdb://host:2113?tls=false (or esdb+discover://… for a cluster).',
    );
  }
}

/** An operation did not finish within its deadline. Whether a timed-out append was written is unknown. */
export class EventStoreDeadlineError extends EventStoreError {
  override readonly name = 'EventStoreDeadlineError';
  constructor(
    readonly operation: string,
    readonly deadlineMs: number,
  ) {
    super(
      `${operation} did not finish within ${deadlineMs} ms. The server may be overloaded or unreachable; ` +
        'retry with the same event ids (a retry never writes twice) or raise the deadline.',
    );
  }
}

/** The server could not be reached or dropped the connection. */
export class EventStoreUnavailableError extends EventStoreError {
  override readonly name = 'EventStoreUnavailableError';
  constructor(
    readonly operation: string,
    readonly detail: string,
  ) {
    super(
      `${operation} failed: EventStoreDB is unavailable (${detail}). Check that the server runs and the connection string points at it.`,
    );
  }
}
