import { environmentStreamPrefix, parseStreamName, type ImportRequest, type ImportResponse } from '@cj/domain';
import { StreamNotFoundError, type EventData, type EventStore, type StreamAppend } from '@cj/event-store';
import { badRequest, conflict } from '../http/problem';

type ImportEvent = ImportRequest['events'][number];

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** Refuses a chunk whose events are not of the target env or not well formed, before anything is read or written. */
function checkShape(env: string, events: readonly ImportEvent[]): void {
  events.forEach((event, i) => {
    const where = `events[${i}]`;
    if (typeof event !== 'object' || event === null) throw badRequest(`${where} is not an object`);
    let streamEnv: string | undefined;
    try {
      streamEnv = parseStreamName(String(event.stream)).env;
    } catch {
      throw badRequest(`${where}.stream ${JSON.stringify(event.stream)} is not a cj stream name`, 'send the events `cj import` planned');
    }
    if (streamEnv !== env) throw badRequest(`${where}.stream ${event.stream} is not of environment ${env}`, 'import into the environment the streams name');
    if (typeof event.revision !== 'string' || !DECIMAL.test(event.revision)) throw badRequest(`${where}.revision must be a decimal string`);
    if (typeof event.id !== 'string' || typeof event.type !== 'string' || event.type.length === 0) throw badRequest(`${where} needs an id and a type`);
    if (typeof event.metadata !== 'object' || event.metadata === null) throw badRequest(`${where}.metadata must be an object`);
  });
}

/** The chunk's events by stream, each stream's in the order given (ascending revisions). */
function byStream(events: readonly ImportEvent[]): Map<string, ImportEvent[]> {
  const streams = new Map<string, ImportEvent[]>();
  for (const event of events) {
    const list = streams.get(event.stream) ?? [];
    list.push(event);
    streams.set(event.stream, list);
  }
  return streams;
}

async function recorded(store: EventStore, stream: string, from: bigint, count: number) {
  try {
    return await store.readStream(stream, { fromRevision: from, maxCount: count });
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}

async function lastRevision(store: EventStore, stream: string): Promise<bigint> {
  try {
    const [last] = await store.readStream(stream, { direction: 'backwards', fromRevision: 'end', maxCount: 1 });
    return last ? last.revision : -1n;
  } catch (error) {
    if (error instanceof StreamNotFoundError) return -1n;
    throw error;
  }
}

/**
 * Appends one chunk of an import, resumably: the store is asked what each stream already holds;
 * an event already at its revision with its id is skipped, one with another id means the env holds
 * events not from this file (refused), and the rest are appended at the stream's current revision,
 * every stream's part in one transaction where the store can (the embedded store), else stream by
 * stream in the order given (EventStoreDB). An env whose first event is not the plan's first holds
 * events of something else and is refused before anything is written.
 */
export async function importChunk(store: EventStore, env: string, request: ImportRequest): Promise<ImportResponse & { position?: bigint }> {
  checkShape(env, request.events);
  const [first] = await store.readAll({ fromPosition: 'start', maxCount: 1, filter: { streamPrefixes: [environmentStreamPrefix(env)] } });
  if (first && first.id !== request.firstId) {
    throw conflict('environment-not-empty', `environment ${env} already holds events that are not from this file (its first is ${first.type} on ${first.streamId})`, 'import into a new environment (--env NEW)');
  }
  const parts: StreamAppend[] = [];
  let present = 0;
  for (const [stream, events] of byStream(request.events)) {
    const last = await lastRevision(store, stream);
    const start = BigInt(events[0].revision);
    const held = await recorded(store, stream, start, events.length);
    const fresh: EventData[] = [];
    for (const event of events) {
      const revision = BigInt(event.revision);
      if (revision <= last) {
        const there = held.find((record) => record.revision === revision);
        if (there?.id !== event.id) {
          throw conflict('environment-diverged', `${stream}@${revision} holds ${there?.type ?? 'an event'} that is not from this file`, 'import into a new environment (--env NEW)');
        }
        present++;
        continue;
      }
      if (revision !== last + 1n + BigInt(fresh.length)) {
        throw conflict('import-out-of-order', `${stream} is at revision ${last}; the chunk's next event is revision ${revision}`, 'run the import again from the start of the file: what is already recorded is skipped');
      }
      fresh.push({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
    }
    if (fresh.length > 0) parts.push({ streamId: stream, events: fresh, expected: last < 0n ? 'no_stream' : last });
  }
  if (parts.length === 0) return { recorded: 0, present };
  const results = store.appendToStreams ? await store.appendToStreams(parts) : await appendEach(store, parts);
  const positions = results.map((result) => result.position).filter((p): p is bigint => p !== undefined);
  const position = positions.reduce<bigint | undefined>((max, p) => (max === undefined || p > max ? p : max), undefined);
  return { recorded: parts.reduce((n, part) => n + part.events.length, 0), present, ...(position !== undefined && { position }) };
}

async function appendEach(store: EventStore, parts: readonly StreamAppend[]) {
  const results = [];
  for (const part of parts) results.push(await store.append(part.streamId, part.events, part.expected));
  return results;
}
