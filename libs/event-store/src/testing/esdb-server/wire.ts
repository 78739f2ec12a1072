import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtobufEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { parse as uuidBytes, stringify as uuidString } from 'uuid';
import { Empty, StreamIdentifier, UUID, WrongExpectedVersion } from '@eventstore/db-client/generated/shared_pb';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { eventSize } from '../../append-size';
import type { EventData, ExpectedRevision, RecordedEvent } from '../../port';

/**
 * Conversions between EventStoreDB's wire messages and the port's values, as the server does them:
 * int64s travel as decimal strings, `created` as 100-ns ticks since the Unix epoch, ids as UUIDs in
 * the string or the structured (two signed int64s) form, positions as commit/prepare pairs.
 */

const TICKS_PER_MS = 10_000n;

export function streamNameOf(identifier: StreamIdentifier | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');
}

export function streamIdentifier(streamId: string): StreamIdentifier {
  return new StreamIdentifier().setStreamName(Buffer.from(streamId, 'utf8'));
}

export function uuidOf(id: UUID | undefined): string {
  if (!id) throw new WireError('an event without an id');
  if (id.hasStructured()) {
    const structured = id.getStructured()!;
    const bytes = Buffer.alloc(16);
    bytes.writeBigUInt64BE(BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())), 0);
    bytes.writeBigUInt64BE(BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())), 8);
    return uuidString(bytes);
  }
  return id.getString();
}

export function toWireUuid(id: string, structured: boolean): UUID {
  const uuid = new UUID();
  if (!structured) return uuid.setString(id);
  const bytes = Buffer.from(uuidBytes(id));
  return uuid.setStructured(
    new UUID.Structured()
      .setMostSignificantBits(BigInt.asIntN(64, bytes.readBigUInt64BE(0)).toString())
      .setLeastSignificantBits(BigInt.asIntN(64, bytes.readBigUInt64BE(8)).toString()),
  );
}

export function ticksOf(created: Date): string {
  return (BigInt(created.getTime()) * TICKS_PER_MS).toString();
}

/** A proposed event's bytes back into the value the port stores. */
export function decodeJson(bytes: Uint8Array, what: string): unknown {
  const text = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new WireError(`${what} is not JSON`);
  }
}

export interface ProposedEvent {
  getId(): UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

/** A proposed message (Append or BatchAppend) as the port's event, with the bytes it counts toward the maximum append size. */
export function toEventData(message: ProposedEvent): { event: EventData; size: number } {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  if (type === undefined) throw new MissingMetadataError('type');
  const contentType = metadata.get('content-type');
  if (contentType === undefined) throw new MissingMetadataError('content-type');
  if (contentType !== 'application/json') {
    throw new WireError(`content-type ${contentType}: this server stores JSON events only`);
  }
  const data = message.getData_asU8();
  const custom = message.getCustomMetadata_asU8();
  return {
    event: {
      id: uuidOf(message.getId()),
      type,
      data: decodeJson(data, 'data'),
      metadata: custom.length > 0 ? decodeJson(custom, 'custom metadata') : undefined,
    },
    size: eventSize(type, data, custom),
  };
}

export function toReadEvent(event: RecordedEvent, structuredIds: boolean): ReadResp {
  const position = event.position.toString();
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(toWireUuid(event.id, structuredIds))
    .setStreamIdentifier(streamIdentifier(event.streamId))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(position)
    .setPreparePosition(position)
    .setData(Buffer.from(JSON.stringify(event.data), 'utf8'));
  if (event.metadata !== undefined) {
    recorded.setCustomMetadata(Buffer.from(JSON.stringify(event.metadata), 'utf8'));
  }
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', 'application/json')
    .set('created', ticksOf(event.created));
  return new ReadResp().setEvent(new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(position));
}

export interface ExpectedOptions {
  hasAny(): boolean;
  hasNoStream(): boolean;
  hasStreamExists(): boolean;
}

export function expectedOf(options: ExpectedOptions, revision: () => string): ExpectedRevision {
  if (options.hasNoStream()) return 'no_stream';
  if (options.hasStreamExists()) return 'stream_exists';
  if (options.hasAny()) return 'any';
  return BigInt(revision());
}

/** The shared WrongExpectedVersion detail that BatchAppend packs into its error status. */
export function wrongExpectedVersionDetail(expected: ExpectedRevision, actual: bigint | 'no_stream'): Any {
  const detail = new WrongExpectedVersion();
  if (actual === 'no_stream') detail.setCurrentNoStream(new ProtobufEmpty());
  else detail.setCurrentStreamRevision(actual.toString());
  if (expected === 'any') detail.setExpectedAny(new ProtobufEmpty());
  else if (expected === 'no_stream') detail.setExpectedNoStream(new ProtobufEmpty());
  else if (expected === 'stream_exists') detail.setExpectedStreamExists(new ProtobufEmpty());
  else detail.setExpectedStreamPosition(expected.toString());
  return packed(detail, 'event_store.client.WrongExpectedVersion');
}

export function packed(message: { serializeBinary(): Uint8Array }, typeName: string): Any {
  const any = new Any();
  any.pack(message.serializeBinary(), typeName);
  return any;
}

export function empty(): Empty {
  return new Empty();
}

export type ReadOptions = ReadReq.Options;

/** A request the server cannot make sense of; answered with INVALID_ARGUMENT. */
export class WireError extends Error {
  override readonly name: string = 'WireError';
}

/** A proposed event without a metadata entry EventStoreDB requires (`type`, `content-type`). */
export class MissingMetadataError extends WireError {
  override readonly name = 'MissingMetadataError';
  constructor(readonly property: string) {
    super(`a proposed event without the required metadata property "${property}"`);
  }
}

/** An append whose events add up to more than the server's maximum append size. */
export class AppendTooLargeError extends WireError {
  override readonly name = 'AppendTooLargeError';
  constructor(readonly maxAppendSize: number) {
    super(`Maximum Append Size of ${maxAppendSize} Exceeded.`);
  }
}
