/** Shapes of what the log records that the API shows as they are. */

/**
 * The event a replicated or imported event was made from: its environment, stream, revision in that
 * stream and position in the source's global log (decimal strings: bigints in JSON), and the store it
 * was read from when that is another one.
 */
export interface EventSource {
  readonly env: string;
  readonly stream: string;
  readonly revision: string;
  readonly position: string;
  readonly storeId?: string;
}

/** A container of another cluster, as one look at the host saw it (by its `cj.cluster` label). */
export interface ForeignContainer {
  readonly containerId: string;
  readonly name: string;
  readonly env: string;
  readonly job: string;
  readonly task: number;
}

/**
 * Where a store lives: the embedded SQLite file on a machine, or an EventStoreDB endpoint. Two
 * orchestrators reading the same log from different places see different locations: that is how a
 * copy (a backup restored elsewhere) is told from the original.
 */
export type StoreLocation =
  | { readonly kind: 'embedded'; readonly machine: string; readonly path: string }
  | { readonly kind: 'eventstoredb'; readonly endpoint: string };
