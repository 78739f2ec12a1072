import { v5 as uuidv5 } from 'uuid';

/** A fixed namespace for cj's event ids, so the same inputs give the same id on every machine. */
const CJ_EVENT_NAMESPACE = '3d7c2f5e-8a41-4c1b-9f0e-6b2a1d9c7e54';

/**
 * The id of the `index`-th event a command appends. Deterministic, so a retried command reuses its
 * ids and the store recognises the append as already done (idempotent retries).
 */
export function eventId(commandId: string, index: number): string {
  return uuidv5(`${commandId}/${index}`, CJ_EVENT_NAMESPACE);
}
