/** EventStoreDB's default maximum append size (`MaxAppendSize`): 1 MiB. */
export const DEFAULT_MAX_APPEND_SIZE = 1_048_576;

/**
 * The bytes one event counts toward the maximum append size: its type, data and metadata as
 * written (UTF-8), as EventStoreDB counts them. Ids, revisions and framing do not count.
 */
export function eventSize(type: string, data: string | Uint8Array, metadata?: string | Uint8Array | null): number {
  return byteLength(type) + byteLength(data) + (metadata == null ? 0 : byteLength(metadata));
}

function byteLength(value: string | Uint8Array): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.byteLength;
}
