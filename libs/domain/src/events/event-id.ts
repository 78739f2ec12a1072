import { v5 as uuidv5 } from 'uuid';

/** A fixed namespace for cj's event ids, so the same inputs give the same id on every machine. */
const CJ_EVENT_NAMESPACE = '3d7c2f5e-8a41-4c1b-9f0e-6b2a1d9c7e54';

/**
 * The id of the `index`-th event a command appends to `streamId`. Deterministic, so a retried
 * command reuses its ids and the store recognises the append as already done (idempotent
 * retries); the stream is part of it, so one command writing to several streams (an apply
 * registering many jobs) never gives two events the same id anywhere in the log.
 */
export function eventId(commandId: string, streamId: string, index: number): string {
  return uuidv5(`${commandId}/${streamId}/${index}`, CJ_EVENT_NAMESPACE);
}
