import {
  CancelledError,
  convertToCommandError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  StreamNotFoundError as ClientStreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@eventstore/db-client';
import { MaximumAppendSizeExceededError, StreamNotFoundError, WrongExpectedVersionError } from '../errors';
import type { ExpectedRevision } from '../port';
import { EventStoreDeadlineError, EventStoreUnavailableError } from './errors';

/** What was being done when the client failed, so the typed error can say it. */
export interface OperationContext {
  readonly operation: string;
  readonly streamId?: string;
  readonly expected?: ExpectedRevision;
  readonly deadlineMs: number;
  /** For an append: how many events, and the bytes they count toward the server's maximum append size. */
  readonly append?: { readonly eventCount: number; readonly size: number };
}

/** True for failures that a new connection may cure: the server went away, cancelled the call or did not answer in time. */
export function isConnectionLoss(failure: unknown): boolean {
  const error = asCommandError(failure);
  return (
    error instanceof UnavailableError ||
    error instanceof CancelledError ||
    error instanceof DeadlineExceededError ||
    error instanceof EventStoreUnavailableError ||
    error instanceof EventStoreDeadlineError
  );
}

/** Translates the client's errors into the port's typed errors; anything else passes through unchanged. */
export function toStoreError(failure: unknown, context: OperationContext): unknown {
  const error = asCommandError(failure);
  if (error instanceof ClientWrongExpectedVersionError) {
    return new WrongExpectedVersionError(
      error.streamName || context.streamId || '',
      context.expected ?? error.expectedVersion,
      error.actualVersion,
    );
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return new MaximumAppendSizeExceededError(
      context.streamId ?? '',
      error.maxAppendSize,
      context.append?.size ?? 0,
      context.append?.eventCount ?? 0,
    );
  }
  if (error instanceof ClientStreamNotFoundError) {
    return new StreamNotFoundError(context.streamId ?? error.streamName);
  }
  if (error instanceof DeadlineExceededError) {
    return new EventStoreDeadlineError(context.operation, context.deadlineMs);
  }
  if (error instanceof UnavailableError || error instanceof CancelledError) {
    return new EventStoreUnavailableError(context.operation, (error as Error).message);
  }
  return error;
}

/** Some paths of the client (its ServerFeatures query) reject with a raw gRPC error: classify those too. */
function asCommandError(error: unknown): unknown {
  return error instanceof Error ? convertToCommandError(error) : error;
}
