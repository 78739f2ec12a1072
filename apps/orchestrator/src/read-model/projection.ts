import type { RecordedEvent } from '@cj/event-store';
import type { ReadDb } from './read-db';

/**
 * A read model: tables and a synchronous fold of one event into them. The runner calls `apply`
 * inside the transaction that also moves the projection's checkpoint, so rows and checkpoint
 * never disagree.
 */
export interface Projection {
  readonly name: string;
  /**
   * Raised whenever `apply` comes to fold events differently. With the schema, it makes the
   * projection's fingerprint: a read model built by another fingerprint is replayed from the start.
   * `projections/projection-fingerprints.spec.ts` fails when what it stores changes shape at the same version.
   */
  readonly version: number;
  /** Tables the projection owns; dropped on a rebuild. */
  readonly tables: readonly string[];
  /** Idempotent DDL (`CREATE TABLE IF NOT EXISTS …`). */
  readonly schema: string;
  apply(db: ReadDb, event: RecordedEvent): void;
}
