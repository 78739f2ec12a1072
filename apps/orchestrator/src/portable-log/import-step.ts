import {
  checkRevisions,
  closingEvents,
  environmentStreamPrefix,
  hostsOfLog,
  importEvent,
  parseEventLine,
  parseHeaderLine,
  hostStream,
  parseStreamName,
  PortableLogError,
  type ImportedRecord,
  type ImportEvent,
  type ImportTarget,
  type PortableEvent,
  type PortableHeader,
} from '@cj/domain';
import { badTargetEndpoint, type ImportRequest, type ImportResponse } from '@cj/api';
import { StreamNotFoundError, type EventData, type EventStore, type StreamAppend } from '@cj/event-store';
import type { CommandContext } from '../store/command-context';
import { badRequest, conflict, unprocessable } from '../http/problem';

/** Events read from the store per page while the closing events are decided. */
const PAGE = 5000;

const sourceOf = (metadata: unknown): { env?: string } | undefined =>
  (metadata as { source?: { env?: string } } | null)?.source;

function readHeader(request: ImportRequest): PortableHeader {
  try {
    return parseHeaderLine(request.header);
  } catch (error) {
    if (error instanceof PortableLogError)
      throw badRequest(`the file's ${error.message}`, 'import a file `cj export` wrote, whole');
    throw error;
  }
}

/** The request's lines as events of the header's env, each stream's revisions following each other within the request. */
function readLines(request: ImportRequest, header: PortableHeader): PortableEvent[] {
  try {
    const events = (request.lines ?? []).map(({ line, text }, i) => {
      if (!Number.isInteger(line) || line < 2 || typeof text !== 'string')
        throw badRequest(
          `lines[${i}] needs a line number (2 or more) and its text`,
          'send the lines of the file as `cj import` does',
        );
      return { event: parseEventLine(text, line, header.env), line };
    });
    checkRevisions(events, new Map());
    return events.map(({ event }) => event);
  } catch (error) {
    if (error instanceof PortableLogError) throw badRequest(`the file's ${error.message}`, 'nothing was recorded');
    throw error;
  }
}

/** Each target host a valid name, declared (when at all) at an endpoint cj can reach, and named by one source host only. */
function checkTargets(target: ImportTarget): void {
  const seen = new Map<string, string>();
  for (const [from, to] of Object.entries(target.hosts)) {
    if (typeof to?.name !== 'string') throw badRequest(`hosts.${from} names no target host`, 'map it as OLD=NEW');
    try {
      hostStream(target.targetEnv, to.name);
    } catch {
      throw badRequest(
        `host name ${JSON.stringify(to.name)} (for ${from}) is not a valid host name`,
        'use letters, digits, "-" and "_"',
      );
    }
    const bad = badTargetEndpoint(from, to);
    if (bad) throw badRequest(bad.message, bad.hint);
    const other = seen.get(to.name);
    if (other !== undefined)
      throw unprocessable(
        'host-mapped-twice',
        `hosts ${other} and ${from} are both mapped to ${to.name}`,
        'map each source host to its own target host',
      );
    seen.set(to.name, from);
  }
}

function checkMapped(events: readonly PortableEvent[], target: ImportTarget): string[] {
  const used = hostsOfLog(events);
  const unmapped = used.filter((host) => !Object.hasOwn(target.hosts, host));
  if (unmapped.length > 0) {
    throw unprocessable(
      'host-not-mapped',
      `hosts ${unmapped.join(', ')} of the file are not mapped`,
      `map each one to a host of ${target.targetEnv}, e.g. --map-host ${unmapped[0]}=NEW_HOST=tcp://ADDRESS:2376`,
    );
  }
  return used;
}

/** An env holding events that no import of this source env recorded is not this import's to write into. */
async function checkTargetIsOurs(store: EventStore, target: ImportTarget): Promise<void> {
  const [first] = await store.readAll({
    fromPosition: 'start',
    maxCount: 1,
    filter: { streamPrefixes: [environmentStreamPrefix(target.targetEnv)] },
  });
  if (first && sourceOf(first.metadata)?.env !== target.sourceEnv) {
    throw conflict(
      'environment-not-empty',
      `environment ${target.targetEnv} already holds events that are not from an export of ${target.sourceEnv} (its first is ${first.type} on ${first.streamId})`,
      'import into a new environment (--env NEW)',
    );
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

async function recorded(store: EventStore, stream: string, from: bigint, count: number) {
  try {
    return await store.readStream(stream, { fromRevision: from, maxCount: count });
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}

function byStream(events: readonly ImportEvent[]): Map<string, ImportEvent[]> {
  const streams = new Map<string, ImportEvent[]>();
  for (const event of events) {
    const list = streams.get(event.stream);
    if (list) list.push(event);
    else streams.set(event.stream, [event]);
  }
  return streams;
}

/**
 * Appends the events resumably: the store is asked what each stream already holds; an event
 * already at its revision with its id is skipped, one with another id means the env holds events
 * not from this file (refused, nothing written), and the rest are appended at the stream's current
 * revision, every stream's part in one transaction where the store can (the embedded store), else
 * stream by stream in order (EventStoreDB).
 */
async function appendImported(
  store: EventStore,
  events: readonly ImportEvent[],
): Promise<ImportResponse & { position?: bigint }> {
  const parts: StreamAppend[] = [];
  let present = 0;
  for (const [stream, list] of byStream(events)) {
    const last = await lastRevision(store, stream);
    const held = await recorded(store, stream, BigInt(list[0].revision), list.length);
    const fresh: EventData[] = [];
    for (const event of list) {
      const revision = BigInt(event.revision);
      if (revision <= last) {
        const there = held.find((record) => record.revision === revision);
        if (there?.id !== event.id) {
          throw conflict(
            'environment-diverged',
            `${stream}@${revision} holds ${there?.type ?? 'an event'} that is not from this file`,
            'import into a new environment (--env NEW)',
          );
        }
        present++;
        continue;
      }
      if (revision !== last + 1n + BigInt(fresh.length)) {
        throw conflict(
          'import-out-of-order',
          `${stream} is at revision ${last}; the file's next event for it is revision ${revision}`,
          'run the import again from the start of the file: what is already recorded is skipped',
        );
      }
      fresh.push({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });
    }
    if (fresh.length > 0) parts.push({ streamId: stream, events: fresh, expected: last < 0n ? 'no_stream' : last });
  }
  if (parts.length === 0) return { recorded: 0, present };
  const results = store.appendToStreams ? await store.appendToStreams(parts) : await appendEach(store, parts);
  const position = results.reduce<bigint | undefined>(
    (max, r) => (r.position !== undefined && (max === undefined || r.position > max) ? r.position : max),
    undefined,
  );
  return {
    recorded: parts.reduce((n, part) => n + part.events.length, 0),
    present,
    ...(position !== undefined && { position }),
  };
}

async function appendEach(store: EventStore, parts: readonly StreamAppend[]) {
  const results = [];
  for (const part of parts) results.push(await store.append(part.streamId, part.events, part.expected));
  return results;
}

/** The target env's job and rollout events an import recorded from the file, as imported. */
async function importedRecords(store: EventStore, env: string): Promise<ImportedRecord[]> {
  const records: ImportedRecord[] = [];
  let from: bigint | 'start' = 'start';
  for (;;) {
    const page = await store.readAll({
      fromPosition: from,
      maxCount: PAGE,
      filter: { streamPrefixes: [environmentStreamPrefix(env)] },
    });
    for (const event of page) {
      const kind = parseStreamName(event.streamId).kind;
      if ((kind === 'job' || kind === 'rollout') && sourceOf(event.metadata)) {
        records.push({ stream: event.streamId, revision: event.revision, type: event.type, data: event.data });
      }
    }
    if (page.length < PAGE) return records;
    from = page[page.length - 1].position + 1n;
  }
}

/**
 * One step of an import (`ImportRequest.step`), decided by the domain's portable log: `check` reads
 * lines and writes nothing; `events` appends them as imported events; `close` records what closes
 * the imported history on the new hosts. Every step checks the header and the host map first.
 */
export async function importStep(
  store: EventStore,
  env: string,
  request: ImportRequest,
  context: CommandContext,
): Promise<ImportResponse & { position?: bigint }> {
  const header = readHeader(request);
  const target: ImportTarget = {
    sourceEnv: header.env,
    sourceStore: header.store,
    targetEnv: env,
    hosts: request.hosts,
  };
  checkTargets(target);
  if (request.step === 'close') {
    await checkTargetIsOurs(store, target);
    const closing = closingEvents(await importedRecords(store, env), {
      ...target,
      header,
      actor: context.actor,
      cjVersion: context.cjVersion,
    });
    return appendImported(store, closing);
  }
  const events = readLines(request, header);
  const hosts = checkMapped(events, target);
  if (request.step === 'check') return { recorded: 0, present: 0, hosts };
  await checkTargetIsOurs(store, target);
  return appendImported(
    store,
    events.map((event) => importEvent(event, target)),
  );
}
