import { environmentStreamPrefix, eventLine, headerLine, schemaVersionOf } from '@cj/domain';
import type { EventStore, RecordedEvent } from '@cj/event-store';

/** Events read from the store per page: the export holds one page in memory, whatever the env's size. */
const PAGE = 1000;

export interface ExportInput {
  readonly env: string;
  /** The source store's identity (`storeId`), which each imported event will name. */
  readonly store: string;
  /** ISO instant: the export stops at the first event recorded after it. */
  readonly asOf?: string;
  readonly exportedAt: string;
}

async function lastPosition(store: EventStore): Promise<bigint> {
  const [last] = await store.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 1 });
  return last ? last.position : -1n;
}

const occurredAt = (event: RecordedEvent): string | undefined =>
  (event.metadata as { occurredAt?: string } | null)?.occurredAt;

/**
 * The env's portable log but its trailer, line by line: the header, then each of the env's events in
 * log order, read page by page from the store's global read filtered to the env's streams. It stops
 * at the source's last position when it began (a consistent cut: every stream from its start to
 * that point) or, with `asOf`, at the first event after that instant, so every stream in the file
 * is a prefix of its stream in the store.
 */
export async function* exportLines(store: EventStore, input: ExportInput): AsyncGenerator<string> {
  const end = await lastPosition(store);
  yield headerLine({
    env: input.env,
    store: input.store,
    exportedAt: input.exportedAt,
    asOf: input.asOf ?? null,
    lastPosition: String(end),
  });
  const until = input.asOf === undefined ? undefined : Date.parse(input.asOf);
  let from: bigint | 'start' = 'start';
  for (;;) {
    const page = await store.readAll({
      fromPosition: from,
      maxCount: PAGE,
      filter: { streamPrefixes: [environmentStreamPrefix(input.env)] },
    });
    for (const event of page) {
      if (event.position > end) return;
      const at = occurredAt(event);
      if (until !== undefined && at !== undefined && Date.parse(at) > until) return;
      yield eventLine({
        stream: event.streamId,
        revision: String(event.revision),
        position: String(event.position),
        id: event.id,
        type: event.type,
        schemaVersion: schemaVersionOf(event.data, event.metadata),
        data: event.data,
        metadata: (event.metadata ?? {}) as Record<string, unknown>,
      });
    }
    if (page.length < PAGE) return;
    from = page[page.length - 1].position + 1n;
  }
}
