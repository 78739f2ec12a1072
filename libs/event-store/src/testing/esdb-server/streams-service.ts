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
import { BadRequest, Timeout } from '@eventstore/db-client/generated/shared_pb';
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
import { ReadCall, type ReadServices } from './read-call';
import {
  empty,
  expectedOf,
  packed,
  streamIdentifier,
  streamNameOf,
  toEventData,
  WireError,
  wrongExpectedVersionDetail,
} from './wire';

type Outcome = { result: AppendResult } | { wrong: WrongExpectedVersionError };

/** The Streams service: Append, BatchAppend and Read, over the port's store. */
export function streamsService(services: ReadServices): UntypedServiceImplementation {
  const { store, appends, gate } = services;

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
      const events: EventData[] = [];
      call.on('data', (request: AppendReq) => {
        if (request.hasOptions()) options = request.getOptions();
        else if (request.hasProposedMessage()) events.push(toEventData(request.getProposedMessage()!));
      });
      call.on('end', () => {
        void (async () => {
          if (!options) throw new WireError('an append without options');
          const streamId = streamNameOf(options.getStreamIdentifier());
          const expected = expectedOf(options, () => options!.getRevision());
          await gate.pass();
          if (call.cancelled) return;
          const outcome = await write(streamId, events, expected);
          callback(null, appendResponse(outcome));
        })().catch((error: unknown) => callback(toStatus(error)));
      });
    },

    batchAppend(call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) {
      const pending = new Map<string, { options: BatchAppendReq.Options; events: EventData[] }>();
      call.on('data', (request: BatchAppendReq) => {
        const correlation = request.getCorrelationId()!;
        const key = correlation.serializeBinary().toString();
        if (request.hasOptions()) pending.set(key, { options: request.getOptions()!, events: [] });
        const batch = pending.get(key);
        if (!batch) return call.emit('error', toStatus(new WireError('a batch without options')));
        for (const message of request.getProposedMessagesList()) batch.events.push(toEventData(message));
        if (!request.getIsFinal()) return;
        pending.delete(key);
        const response = new BatchAppendResp().setCorrelationId(correlation);
        void writeBatch(batch.options, batch.events, response)
          .catch((error: unknown) => response.setError(errorStatus(error)))
          .then(() => call.write(response));
      });
      call.on('end', () => call.end());
    },

    read(call: ServerWritableStream<ReadReq, ReadResp>) {
      void (async () => new ReadCall(call, services).serve())().catch((error: unknown) => call.emit('error', toStatus(error)));
    },
  };

  /** One batch: waits at the gate no longer than the deadline the client put in the batch's options. */
  async function writeBatch(options: BatchAppendReq.Options, events: EventData[], response: BatchAppendResp): Promise<void> {
    const streamId = streamNameOf(options.getStreamIdentifier());
    const expected = expectedOf(options, () => options.getStreamPosition());
    response.setStreamIdentifier(streamIdentifier(streamId));
    if (expected === 'any') response.setAny(new ProtobufEmpty());
    else if (expected === 'no_stream') response.setNoStream(new ProtobufEmpty());
    else if (expected === 'stream_exists') response.setStreamExists(new ProtobufEmpty());
    else response.setStreamPosition(expected.toString());

    const deadline = options.getDeadline()?.toDate();
    if (!(await passBefore(deadline))) {
      response.setError(new Status().setCode(Code.DEADLINE_EXCEEDED).setMessage('deadline exceeded').setDetails(packed(new Timeout(), 'event_store.client.Timeout')));
      return;
    }
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
    else success.setPosition(new AllStreamPosition().setCommitPosition(position.toString()).setPreparePosition(position.toString()));
    response.setSuccess(success);
  }

  async function passBefore(deadline: Date | undefined): Promise<boolean> {
    if (!deadline) {
      await gate.pass();
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline.getTime() - Date.now()))));
    try {
      return await Promise.race([gate.pass().then(() => true as const), expired]);
    } finally {
      clearTimeout(timer);
    }
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
  else success.setPosition(new AppendResp.Position().setCommitPosition(position.toString()).setPreparePosition(position.toString()));
  return new AppendResp().setSuccess(success);
}

/** A failure as a gRPC status: bad requests are INVALID_ARGUMENT, the store's own errors FAILED_PRECONDITION. */
function toStatus(error: unknown): Partial<StatusObject> {
  const details = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const metadata = new Metadata();
  if (error instanceof WireError || error instanceof EventStoreError) {
    return { code: error instanceof WireError ? status.INVALID_ARGUMENT : status.FAILED_PRECONDITION, details, metadata };
  }
  return { code: status.INTERNAL, details, metadata };
}

/** A batch's error always carries a detail (the client reads it unguarded); an unknown type keeps the message. */
function errorStatus(error: unknown): Status {
  const { code, details = '' } = toStatus(error);
  return new Status()
    .setCode(code as number as Code)
    .setMessage(details)
    .setDetails(packed(new BadRequest().setMessage(details), 'event_store.client.BadRequest'));
}
