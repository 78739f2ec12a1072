import { parseStreamName } from '../events/streams';
import { PORTABLE_LOG_FORMAT, PORTABLE_LOG_VERSION, type PortableEvent, type PortableHeader } from './format';

/** A portable log that cannot be imported: where (1-based line of the file) and what is wrong with it. */
export class PortableLogError extends Error {
  override readonly name = 'PortableLogError';
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function parseObject(text: string, line: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new PortableLogError(line, 'is not a JSON object: the file was cut or altered; export it again');
}

/** The file's first line: a header of a format and version this cj reads. */
export function parseHeaderLine(text: string): PortableHeader {
  const value = parseObject(text, 1);
  if (value['kind'] !== 'header' || value['format'] !== PORTABLE_LOG_FORMAT) {
    throw new PortableLogError(1, `is not a ${PORTABLE_LOG_FORMAT} header: this is not a file of \`cj export\``);
  }
  if (value['version'] !== PORTABLE_LOG_VERSION) {
    throw new PortableLogError(
      1,
      `format version ${String(value['version'])} is not one this cj reads (${PORTABLE_LOG_VERSION}); import it with the cj that exported it`,
    );
  }
  if (
    typeof value['env'] !== 'string' ||
    typeof value['store'] !== 'string' ||
    typeof value['exportedAt'] !== 'string' ||
    typeof value['lastPosition'] !== 'string'
  ) {
    throw new PortableLogError(
      1,
      'the header lacks env, store, exportedAt or lastPosition: the file was altered; export it again',
    );
  }
  return value as unknown as PortableHeader;
}

/** One event line of the file (`line`: its number), whose stream must be of the header's environment `env`. */
export function parseEventLine(text: string, line: number, env: string): PortableEvent {
  const value = parseObject(text, line);
  if (value['kind'] !== 'event')
    throw new PortableLogError(line, `kind ${JSON.stringify(value['kind'])} is not an event`);
  const { stream, revision, position, id, type, metadata } = value;
  if (
    typeof stream !== 'string' ||
    typeof revision !== 'string' ||
    !DECIMAL.test(revision) ||
    typeof position !== 'string' ||
    !DECIMAL.test(position)
  ) {
    throw new PortableLogError(
      line,
      'an event needs stream, revision and position (decimal strings): the file was altered; export it again',
    );
  }
  if (
    typeof id !== 'string' ||
    typeof type !== 'string' ||
    metadata === null ||
    typeof metadata !== 'object' ||
    Array.isArray(metadata)
  ) {
    throw new PortableLogError(line, 'an event needs id, type and metadata: the file was altered; export it again');
  }
  let streamEnv: string;
  try {
    streamEnv = parseStreamName(stream).env;
  } catch {
    throw new PortableLogError(line, `${stream} is not a cj stream name`);
  }
  if (streamEnv !== env)
    throw new PortableLogError(line, `stream ${stream} is not of environment ${env}, which the header names`);
  return {
    ...(value as unknown as PortableEvent),
    schemaVersion: typeof value['schemaVersion'] === 'number' ? value['schemaVersion'] : 1,
  };
}

/**
 * Checks that each stream's revisions follow each other: a missing or repeated event is named at
 * its line. `next` holds each stream's next revision so far (updated); a stream not in it starts
 * at its first event here (a part of a file), so seed it with 0n where streams must start at 0.
 */
export function checkRevisions(
  events: readonly { event: PortableEvent; line: number }[],
  next: Map<string, bigint>,
): void {
  for (const { event, line } of events) {
    const revision = BigInt(event.revision);
    const expected = next.get(event.stream) ?? revision;
    if (revision !== expected) {
      const where =
        expected === 0n
          ? `starts at revision ${event.revision}, not 0`
          : `revision ${event.revision} does not follow revision ${expected - 1n}`;
      throw new PortableLogError(line, `${event.stream} ${where}: events are missing or out of order; export it again`);
    }
    next.set(event.stream, expected + 1n);
  }
}
