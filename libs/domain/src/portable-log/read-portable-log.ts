import { parseStreamName } from '../events/streams';
import { PORTABLE_LOG_FORMAT, PORTABLE_LOG_VERSION, type PortableEvent, type PortableHeader, type Sha256 } from './format';

/** A portable log that cannot be imported: where (1-based line) and what is wrong with it. */
export class PortableLogError extends Error {
  override readonly name = 'PortableLogError';
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

export interface PortableLog {
  readonly header: PortableHeader;
  readonly events: readonly PortableEvent[];
  readonly sha256: string;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function parseLine(text: string, line: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new PortableLogError(line, 'is not a JSON object: the file was cut or altered; export it again');
}

function header(value: Record<string, unknown>): PortableHeader {
  if (value['kind'] !== 'header' || value['format'] !== PORTABLE_LOG_FORMAT) {
    throw new PortableLogError(1, `is not a ${PORTABLE_LOG_FORMAT} header: this is not a file of \`cj export\``);
  }
  if (value['version'] !== PORTABLE_LOG_VERSION) {
    throw new PortableLogError(1, `format version ${String(value['version'])} is not one this cj reads (${PORTABLE_LOG_VERSION}); import it with the cj that exported it`);
  }
  if (typeof value['env'] !== 'string' || typeof value['exportedAt'] !== 'string' || typeof value['lastPosition'] !== 'string') {
    throw new PortableLogError(1, 'the header lacks env, exportedAt or lastPosition: the file was altered; export it again');
  }
  return value as unknown as PortableHeader;
}

/** Checks one event line's fields, and that its stream belongs to the header's environment and follows the one before it. */
function event(value: Record<string, unknown>, line: number, env: string, next: Map<string, bigint>): PortableEvent {
  const { stream, revision, position, id, type, metadata } = value;
  if (typeof stream !== 'string' || typeof revision !== 'string' || !DECIMAL.test(revision) || typeof position !== 'string' || !DECIMAL.test(position)) {
    throw new PortableLogError(line, 'an event needs stream, revision and position (decimal strings): the file was altered; export it again');
  }
  if (typeof id !== 'string' || typeof type !== 'string' || metadata === null || typeof metadata !== 'object') {
    throw new PortableLogError(line, 'an event needs id, type and metadata: the file was altered; export it again');
  }
  let streamEnv: string;
  try {
    streamEnv = parseStreamName(stream).env;
  } catch {
    throw new PortableLogError(line, `${stream} is not a cj stream name`);
  }
  if (streamEnv !== env) throw new PortableLogError(line, `stream ${stream} is not of environment ${env}, which the header names`);
  const expected = next.get(stream) ?? 0n;
  if (BigInt(revision) !== expected) {
    throw new PortableLogError(line, `${stream} revision ${revision} does not follow revision ${expected - 1n}: events are missing or out of order; export it again`);
  }
  next.set(stream, expected + 1n);
  return { ...(value as unknown as PortableEvent), schemaVersion: typeof value['schemaVersion'] === 'number' ? value['schemaVersion'] : 1 };
}

/**
 * Reads a whole portable log, line by line, and refuses it unless it is complete and unaltered:
 * a header of a format this cj reads, events whose streams are the header's environment's and
 * whose revisions follow each other from 0, and a trailer whose count and checksum match. The
 * error names the first line that is wrong.
 */
export function readPortableLog(lines: Iterable<string>, sha256: Sha256): PortableLog {
  let head: PortableHeader | undefined;
  const events: PortableEvent[] = [];
  const next = new Map<string, bigint>();
  let line = 0;
  let read: PortableLog | undefined;
  for (const text of lines) {
    line++;
    if (read) throw new PortableLogError(line, 'comes after the trailer: the file was altered; export it again');
    if (text.trim() === '' ) throw new PortableLogError(line, 'is empty: the file was altered; export it again');
    const value = parseLine(text, line);
    if (!head) {
      head = header(value);
      sha256.update(`${text}\n`);
      continue;
    }
    if (value['kind'] === 'trailer') {
      const digest = sha256.digest();
      if (value['events'] !== events.length) {
        throw new PortableLogError(line, `the trailer counts ${String(value['events'])} events, the file holds ${events.length}: events were added or removed; export it again`);
      }
      if (value['sha256'] !== digest) throw new PortableLogError(line, 'the checksum does not match the lines before it: the file was altered; export it again');
      read = { header: head, events, sha256: digest };
      continue;
    }
    if (value['kind'] !== 'event') throw new PortableLogError(line, `kind ${JSON.stringify(value['kind'])} is neither an event nor the trailer`);
    events.push(event(value, line, head.env, next));
    sha256.update(`${text}\n`);
  }
  if (read) return read;
  throw new PortableLogError(line + 1, head ? 'the trailer is missing: the file was cut short (an export that did not finish?); export it again' : 'the file is empty');
}
