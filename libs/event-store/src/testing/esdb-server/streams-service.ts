import {
  Metadata,
  status,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerWritableStream,
  type StatusObject,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { Empty as ProtobufEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import { BadRequest, MaximumAppendSizeExceeded, Timeout } from '@eventstore/db-client/generated/shared_pb';
import {
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
  type ReadReq,
  type ReadResp,
} from '@eventstore/db-client/generated/streams_pb';
import { AllStreamPosition } from '@eventstore/db-client/generated/shared_pb';
import { EventStoreError, WrongExpectedVersionError } from '../../errors';
import type { AppendResult, EventData, ExpectedRevision } from '../../port';
import { InvalidArgumentError } from '../../validation';
import { ReadCall, type ReadServices } from './read-call';
import {
  AppendTooLargeError,
  empty,
  expectedOf,
  MissingMetadataError,
  packed,
  type ProposedEvent,
  streamIdentifier,
  streamNameOf,
  toEventData,
  WireError,
  wrongExpectedVersionDetail,
} from './wire';

type Outcome = { result: AppendResult } | { wrong: WrongExpectedVersionError };

/** One append as it arrives: its events so far, and the bytes they count toward the maximum append size. */
class ProposedAppend {
  readonly events: EventData[] = [];
  private size = 0;

  constructor(private readonly maxAppendSize: number) {}

  /** Adds the request's proposed events; throws as soon as the append grows past the maximum, as EventStoreDB does. */
  add(messages: readonly ProposedEvent[]): void {
    for (const message of messages) {
      const { event, size } = toEventData(message);
      this.size += size;
      if (this.size > this.maxAppendSize) throw new AppendTooLargeError(this.maxAppendSize);
      this.events.push(event);
    }
  }
}

export interface StreamsServices extends ReadServices {
  /** The most bytes one append may carry (type, data and metadata of its events). */
  readonly maxAppendSize: number;
}

/**
 * The Streams service: Append, BatchAppend and Read, over the port's store. No request can throw out
 * of a handler: whatever the server cannot take is answered with the status EventStoreDB gives.
 */
export function streamsService(services: StreamsServices): UntypedServiceImplementation {
  const { store, appends, gate, maxAppendSize } = services;

  async function write(streamId: string, events: EventData[], expected: ExpectedRevision): Promise<Outcome> {
    try {
      const result = await store.append(streamId, events, expected);
      if (events.length > 0) appends.notify();
      return { result };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return { wrong: error };
      throw error;
    }
  }

  return {
    append(call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>) {
      let options: AppendReq.Options | undefined;
      const proposed = new ProposedAppend(maxAppendSize);
      let answered = false;
      const answer = (error: Partial<StatusObject> | null, response?: AppendResp) => {
        if (answered) return;
        answered = true;
        callback(error, response);
      };
      const deadline = deadlineOf(call.getDeadline());
      call.on('data', (request: AppendReq) => {
        if (answered) return;
        try {
          // As EventStoreDB's timer would, an expired deadline ends the append before anything else is looked at.
          if (deadline && deadline.getTime() <= Date.now()) throw new DeadlineError();
          if (request.hasOptions()) options = request.getOptions();
          else if (request.hasProposedMessage()) proposed.add([request.getProposedMessage()!]);
        } catch (error) {
          answer(toStatus(error));
        }
      });
      call.on('end', () => {
        if (answered) return;
        void (async () => {
          if (!options) throw new WireError('an append without options');
          const streamId = streamNameOf(options.getStreamIdentifier());
          const expected = expectedOf(options, () => options!.getRevision());
          if (!(await passBefore(deadline))) throw new DeadlineError();
          if (call.cancelled) return;
          const outcome = await write(streamId, proposed.events, expected);
          answer(null, appendResponse(outcome));
        })().catch((error: unknown) => answer(toStatus(error)));
      });
    },

    batchAppend(call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) {
      const pending = new Map<
        string,
        { options: BatchAppendReq.Options; proposed: ProposedAppend; failure?: unknown }
      >();
      let inFlight = 0;
      let ended = false;
      let failed = false;
      const finish = () => {
        if (ended && inFlight === 0 && !failed) call.end();
      };
      const respond = (response: BatchAppendResp) => {
        inFlight--;
        if (!call.cancelled && !failed) call.write(response);
        finish();
      };
      call.on('data', (request: BatchAppendReq) => {
        if (failed) return;
        const correlation = request.getCorrelationId();
        if (!correlation) {
          // Without a correlation id no answer can name the batch: the whole call fails.
          failed = true;
          call.emit('error', toStatus(new WireError('a batch request without a correlation id')));
          return;
        }
        const key = Buffer.from(correlation.serializeBinary()).toString('base64');
        if (request.hasOptions())
          pending.set(key, { options: request.getOptions()!, proposed: new ProposedAppend(maxAppendSize) });
        const batch = pending.get(key);
        const response = new BatchAppendResp().setCorrelationId(correlation);
        if (!batch) {
          inFlight++;
          response.setError(errorStatus(new WireError('a batch without options')));
          respond(response);
          return;
        }
        if (batch.failure === undefined) {
          try {
            // The batch's deadline runs from its options: once passed, the rest of the batch is not looked at.
            const deadline = batch.options.getDeadline()?.toDate();
            if (deadline && deadline.getTime() <= Date.now()) throw new DeadlineError();
            batch.proposed.add(request.getProposedMessagesList());
          } catch (error) {
            batch.failure = error;
          }
        }
        if (!request.getIsFinal()) return;
        pending.delete(key);
        inFlight++;
        void (
          batch.failure === undefined
            ? writeBatch(batch.options, batch.proposed.events, response)
            : Promise.reject(batch.failure)
        )
          .catch((error: unknown) => {
            describeBatch(response, batch.options);
            response.setError(errorStatus(error));
          })
          .then(() => respond(response));
      });
      call.on('end', () => {
        ended = true;
        finish();
      });
    },

    read(call: ServerWritableStream<ReadReq, ReadResp>) {
      void (async () => new ReadCall(call, services).serve())().catch((error: unknown) =>
        call.emit('error', toStatus(error)),
      );
    },
  };

  /** One batch: refused once the deadline the client put in its options has passed, as EventStoreDB does. */
  async function writeBatch(
    options: BatchAppendReq.Options,
    events: EventData[],
    response: BatchAppendResp,
  ): Promise<void> {
    const streamId = streamNameOf(options.getStreamIdentifier());
    const expected = describeBatch(response, options);
    if (!(await passBefore(options.getDeadline()?.toDate()))) throw new DeadlineError();
    const outcome = await write(streamId, events, expected);
    if ('wrong' in outcome) {
      const { expected: wanted, actual } = outcome.wrong;
      response.setError(
        new Status()
          .setCode(Code.FAILED_PRECONDITION)
          .setMessage(outcome.wrong.message)
          .setDetails(wrongExpectedVersionDetail(wanted, actual)),
      );
      return;
    }
    const success = new BatchAppendResp.Success();
    const { nextExpectedRevision, position } = outcome.result;
    if (nextExpectedRevision < 0n) success.setNoStream(new ProtobufEmpty());
    else success.setCurrentRevision(nextExpectedRevision.toString());
    if (position === undefined) success.setNoPosition(new ProtobufEmpty());
    else
      success.setPosition(
        new AllStreamPosition().setCommitPosition(position.toString()).setPreparePosition(position.toString()),
      );
    response.setSuccess(success);
  }

  /** True once the gate lets the request through before its deadline; false at once for a deadline already past. */
  async function passBefore(deadline: Date | undefined): Promise<boolean> {
    if (!deadline) {
      await gate.pass();
      return true;
    }
    const left = deadline.getTime() - Date.now();
    if (left <= 0) return false;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), left)));
    try {
      const passed = await Promise.race([gate.pass().then(() => true as const), expired]);
      return passed && deadline.getTime() > Date.now();
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The stream and expected revision a batch's answer repeats (the client reads the stream name even from an error). */
function describeBatch(response: BatchAppendResp, options: BatchAppendReq.Options): ExpectedRevision {
  const expected = expectedOf(options, () => options.getStreamPosition());
  response.setStreamIdentifier(streamIdentifier(streamNameOf(options.getStreamIdentifier())));
  if (expected === 'any') response.setAny(new ProtobufEmpty());
  else if (expected === 'no_stream') response.setNoStream(new ProtobufEmpty());
  else if (expected === 'stream_exists') response.setStreamExists(new ProtobufEmpty());
  else response.setStreamPosition(expected.toString());
  return expected;
}

/** A call's gRPC deadline as a date, or undefined for none. */
function deadlineOf(deadline: Date | number): Date | undefined {
  if (deadline instanceof Date) return deadline;
  return Number.isFinite(deadline) ? new Date(deadline) : undefined;
}

/** The request's deadline passed before it could be written: nothing was. */
class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
  constructor() {
    super('deadline exceeded');
  }
}

function appendResponse(outcome: Outcome): AppendResp {
  if ('wrong' in outcome) {
    const { expected, actual } = outcome.wrong;
    const wrong = new AppendResp.WrongExpectedVersion();
    if (actual === 'no_stream') wrong.setCurrentNoStream(empty());
    else wrong.setCurrentRevision(actual.toString());
    if (expected === 'any') wrong.setExpectedAny(empty());
    else if (expected === 'no_stream') wrong.setExpectedNoStream(empty());
    else if (expected === 'stream_exists') wrong.setExpectedStreamExists(empty());
    else wrong.setExpectedRevision(expected.toString());
    return new AppendResp().setWrongExpectedVersion(wrong);
  }
  const success = new AppendResp.Success();
  const { nextExpectedRevision, position } = outcome.result;
  if (nextExpectedRevision < 0n) success.setNoStream(empty());
  else success.setCurrentRevision(nextExpectedRevision.toString());
  if (position === undefined) success.setNoPosition(empty());
  else
    success.setPosition(
      new AppendResp.Position().setCommitPosition(position.toString()).setPreparePosition(position.toString()),
    );
  return new AppendResp().setSuccess(success);
}

/**
 * A failure as a gRPC status, as EventStoreDB answers it: bad requests INVALID_ARGUMENT (with the
 * `exception` metadata the client turns into its typed errors), an expired deadline
 * DEADLINE_EXCEEDED, the store's own errors FAILED_PRECONDITION.
 */
function toStatus(error: unknown): Partial<StatusObject> {
  const details = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const metadata = new Metadata();
  if (error instanceof AppendTooLargeError) {
    metadata.set('exception', 'maximum-append-size-exceeded');
    metadata.set('maximum-append-size', String(error.maxAppendSize));
    return { code: status.INVALID_ARGUMENT, details: error.message, metadata };
  }
  if (error instanceof MissingMetadataError) {
    metadata.set('exception', 'missing-required-metadata-property');
    metadata.set('required-metadata-properties', error.property);
    return { code: status.INVALID_ARGUMENT, details, metadata };
  }
  if (error instanceof WireError || error instanceof InvalidArgumentError)
    return { code: status.INVALID_ARGUMENT, details, metadata };
  if (error instanceof DeadlineError) return { code: status.DEADLINE_EXCEEDED, details: error.message, metadata };
  if (error instanceof EventStoreError) return { code: status.FAILED_PRECONDITION, details, metadata };
  return { code: status.INTERNAL, details, metadata };
}

/** A batch's error always carries a detail (the client reads it unguarded), typed where the client knows the type. */
function errorStatus(error: unknown): Status {
  const { code, details = '' } = toStatus(error);
  const result = new Status().setCode(code as number as Code).setMessage(details);
  if (error instanceof AppendTooLargeError) {
    return result.setDetails(
      packed(
        new MaximumAppendSizeExceeded().setMaxappendsize(error.maxAppendSize),
        'event_store.client.MaximumAppendSizeExceeded',
      ),
    );
  }
  if (error instanceof DeadlineError) return result.setDetails(packed(new Timeout(), 'event_store.client.Timeout'));
  return result.setDetails(packed(new BadRequest().setMessage(details), 'event_store.client.BadRequest'));
}
