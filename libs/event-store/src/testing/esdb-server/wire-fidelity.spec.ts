import {
  EventStoreDBClient,
  jsonEvent,
  MaxAppendSizeExceededError,
  streamNameFilter,
  type AllStreamSubscription,
  type Position,
} from '@eventstore/db-client';
import {
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
  ReadReq,
  type ReadResp,
} from '@eventstore/db-client/generated/streams_pb';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { MaximumAppendSizeExceeded, UUID } from '@eventstore/db-client/generated/shared_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import { Empty as ProtobufEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { v4 as uuid } from 'uuid';
import { startEsdbTestServer, type EsdbTestServer } from './esdb-test-server';
import { empty, streamIdentifier } from './wire';

/**
 * Where the test server must answer as EventStoreDB does: requests it cannot store, filter
 * checkpoints, expired deadlines and the maximum append size. Raw gRPC sends what the client never would.
 */
// Large appends and many servers: slow on a loaded machine.
jest.setTimeout(30_000);

describe('EventStoreDB test server: fidelity', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;
  let raw: StreamsClient;

  beforeAll(async () => {
    server = await startEsdbTestServer();
    client = EventStoreDBClient.connectionString(server.url);
    raw = new StreamsClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
  });
  afterAll(async () => {
    raw.close();
    await client.dispose();
    await server.stop();
  });

  describe('requests it cannot store are answered, and the server lives on', () => {
    const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
    const kinds: [string, Partial<Proposal>, number, Record<string, string>][] = [
      [
        'binary data (content-type application/octet-stream)',
        { contentType: 'application/octet-stream', data: Buffer.from([0xff, 0x00, 0x01]) },
        status.INVALID_ARGUMENT,
        {},
      ],
      ['data that is not JSON', { data: Buffer.from('{not json', 'utf8') }, status.INVALID_ARGUMENT, {}],
      [
        'custom metadata that is not JSON',
        { metadata: Buffer.from([0xde, 0xad, 0xbe, 0xef]) },
        status.INVALID_ARGUMENT,
        {},
      ],
      [
        'an event without a type',
        { type: null },
        status.INVALID_ARGUMENT,
        { exception: 'missing-required-metadata-property', 'required-metadata-properties': 'type' },
      ],
      [
        'an event without a content-type',
        { contentType: null },
        status.INVALID_ARGUMENT,
        { exception: 'missing-required-metadata-property', 'required-metadata-properties': 'content-type' },
      ],
      ['an event without an id', { id: null }, status.INVALID_ARGUMENT, {}],
      ['an id that is not a UUID', { id: 'job-1' }, status.INVALID_ARGUMENT, {}],
      ['an empty type', { type: '' }, status.INVALID_ARGUMENT, {}],
    ];

    it.each(kinds)('Append: %s', async (_label, proposal, code, metadata) => {
      const stream = `cj.bad.${uuid()}`;
      const { error } = await rawAppend([
        appendOptions(stream),
        appendProposal({ data: json({ ok: true }), ...proposal }),
      ]);
      expect(error?.code).toBe(code);
      for (const [key, value] of Object.entries(metadata)) expect(error?.metadata.get(key)).toEqual([value]);
      await expectNothingIn(stream);
      await expectServing();
    });

    it.each(kinds)('BatchAppend: %s', async (_label, proposal, code) => {
      const stream = `cj.bad.${uuid()}`;
      const correlation = new UUID().setString(uuid());
      const { error, responses } = await rawBatch([
        batchRequest(
          correlation,
          [batchProposal({ data: json({ ok: true }) }), batchProposal({ data: json({ ok: true }), ...proposal })],
          true,
          batchOptions(stream),
        ),
      ]);
      expect(error).toBeUndefined();
      expect(responses).toHaveLength(1);
      expect(responses[0]!.getError()?.getCode()).toBe(code);
      expect(responses[0]!.getStreamIdentifier()?.getStreamName_asU8()).toEqual(
        streamIdentifier(stream).getStreamName_asU8(),
      );
      await expectNothingIn(stream);
      await expectServing();
    });

    it('Append without options', async () => {
      const { error } = await rawAppend([appendProposal({ data: json({}) })]);
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
      await expectServing();
    });

    it('a batch whose first request has no options, and one without a correlation id', async () => {
      const orphan = await rawBatch([
        batchRequest(new UUID().setString(uuid()), [batchProposal({ data: json({}) })], true),
      ]);
      expect(orphan.responses[0]?.getError()?.getCode()).toBe(Code.INVALID_ARGUMENT);
      const uncorrelated = await rawBatch([
        new BatchAppendReq().setOptions(batchOptions(`cj.bad.${uuid()}`)).setIsFinal(true),
      ]);
      expect(uncorrelated.error?.code).toBe(status.INVALID_ARGUMENT);
      await expectServing();
    });

    it('Read without options, and a filter whose regex does not compile', async () => {
      expect((await rawRead(new ReadReq())).error?.code).toBe(status.INVALID_ARGUMENT);
      const badRegex = new ReadReq.Options()
        .setAll(new ReadReq.Options.AllOptions().setStart(empty()))
        .setCount('10')
        .setFilter(
          new ReadReq.Options.FilterOptions()
            .setStreamIdentifier(new ReadReq.Options.FilterOptions.Expression().setRegex('(unclosed'))
            .setMax(32)
            .setCheckpointintervalmultiplier(1),
        )
        .setUuidOption(new ReadReq.Options.UUIDOption().setString(empty()));
      expect((await rawRead(new ReadReq().setOptions(badRegex))).error?.code).toBe(status.INVALID_ARGUMENT);
      await expectServing();
    });
  });

  it('counts every event a filtered subscription scans toward the checkpoint interval', async () => {
    const prefix = `cj.scan.${uuid()}`;
    const from = await client.appendToStream(`${prefix}.start`, [jsonEvent({ type: 'Marker', data: {} })]);
    for (let batch = 0; batch < 4; batch++) {
      await client.appendToStream(
        `${prefix}.a`,
        Array.from({ length: 32 }, () => jsonEvent({ type: 'Scanned', data: {} })),
      );
    }
    const checkpoints: Position[] = [];
    let events = 0;
    const subscription: AllStreamSubscription = client.subscribeToAll({
      fromPosition: from.position!,
      // Every event matches: a window of 32 × 1 gives a checkpoint every 32 events scanned (128 → 4).
      filter: streamNameFilter({
        prefixes: [prefix],
        maxSearchWindow: 32,
        checkpointInterval: 1,
        checkpointReached: (_s, position) => void checkpoints.push(position),
      }),
    });
    subscription.on('data', () => void (events += 1));
    await until(() => events === 128 && checkpoints.length >= 4);
    await subscription.unsubscribe();
    expect(checkpoints.length).toBeLessThanOrEqual(5);
  });

  describe('an expired deadline', () => {
    it('refuses a batch whose deadline has passed with DEADLINE_EXCEEDED, and writes nothing', async () => {
      const stream = `cj.late.${uuid()}`;
      const options = batchOptions(stream).setDeadline(Timestamp.fromDate(new Date(Date.now() - 1)));
      const { responses } = await rawBatch([
        batchRequest(new UUID().setString(uuid()), [batchProposal({ data: Buffer.from('{}') })], true, options),
      ]);
      expect(responses[0]?.getError()?.getCode()).toBe(Code.DEADLINE_EXCEEDED);
      expect(responses[0]?.getError()?.getDetails()?.getTypeName()).toBe('event_store.client.Timeout');
      await expectNothingIn(stream);
    });

    it('answers DEADLINE_EXCEEDED before it looks at the size of a batch whose deadline has passed', async () => {
      const stream = `cj.late.${uuid()}`;
      const options = batchOptions(stream).setDeadline(Timestamp.fromDate(new Date(Date.now() - 1)));
      const tooLarge = batchProposal({ data: Buffer.from(JSON.stringify('x'.repeat(1_100_000))) });
      const { responses } = await rawBatch([batchRequest(new UUID().setString(uuid()), [tooLarge], true, options)]);
      expect(responses[0]?.getError()?.getCode()).toBe(Code.DEADLINE_EXCEEDED);
      await expectNothingIn(stream);
    });

    it('refuses a 1 ms deadline through the client, as EventStoreDB does', async () => {
      const stream = `cj.late.${uuid()}`;
      const events = Array.from({ length: 3000 }, (_, index) => jsonEvent({ type: 'Late', data: { index } }));
      await expect(client.appendToStream(stream, events, { deadline: 1 })).rejects.toMatchObject({
        type: 'deadline-exceeded',
      });
      await expectNothingIn(stream);
    });
  });

  describe('the maximum append size', () => {
    const large = (count: number, bytes: number) =>
      Array.from({ length: count }, () => jsonEvent({ type: 'Large', data: { blob: 'x'.repeat(bytes) } }));

    it.each([
      ['BatchAppend', true],
      ['Append', false],
    ])(
      'refuses more than 1 MiB by default through %s with MaximumAppendSizeExceeded, writing nothing',
      async (_label, batchAppend) => {
        const other = await startEsdbTestServer({ batchAppend });
        const otherClient = EventStoreDBClient.connectionString(other.url);
        try {
          const stream = `cj.large.${uuid()}`;
          const error = await otherClient
            .appendToStream(stream, large(3, 400_000))
            .catch((failure: unknown) => failure);
          expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
          expect(error).toMatchObject({ maxAppendSize: 1_048_576 });
          await expect(otherClient.appendToStream(stream, large(2, 400_000))).resolves.toMatchObject({
            nextExpectedRevision: 1n,
          });
        } finally {
          await otherClient.dispose();
          await other.stop();
        }
      },
    );

    it('takes its limit from maxAppendSize, counting type, data and metadata', async () => {
      const other = await startEsdbTestServer({ maxAppendSize: 100 });
      const otherClient = EventStoreDBClient.connectionString(other.url);
      try {
        // type 5 + data 20 ({"blob":"xxxxxxxxx"}) + metadata 40 = 65 bytes an event
        const event = () =>
          jsonEvent({ type: 'Large', data: { blob: 'x'.repeat(9) }, metadata: { note: 'y'.repeat(29) } });
        await expect(otherClient.appendToStream('cj.small.one', [event()])).resolves.toMatchObject({
          nextExpectedRevision: 0n,
        });
        await expect(otherClient.appendToStream('cj.small.two', [event(), event()])).rejects.toMatchObject({
          maxAppendSize: 100,
        });
        const { responses } = await rawBatchTo(other, [
          batchRequest(
            new UUID().setString(uuid()),
            [batchProposal({ data: Buffer.from(JSON.stringify('x'.repeat(200))) })],
            true,
            batchOptions('cj.small.raw'),
          ),
        ]);
        const detail = responses[0]?.getError()?.getDetails();
        expect(responses[0]?.getError()?.getCode()).toBe(Code.INVALID_ARGUMENT);
        expect(
          detail
            ?.unpack(MaximumAppendSizeExceeded.deserializeBinary, 'event_store.client.MaximumAppendSizeExceeded')
            ?.getMaxappendsize(),
        ).toBe(100);
      } finally {
        await otherClient.dispose();
        await other.stop();
      }
    });
  });

  async function expectNothingIn(stream: string): Promise<void> {
    await expect(collect(client.readStream(stream))).rejects.toMatchObject({ type: 'stream-not-found' });
  }

  /** The server still answers: the process did not die on the request before. */
  async function expectServing(): Promise<void> {
    await expect(
      client.appendToStream(`cj.alive.${uuid()}`, [jsonEvent({ type: 'Alive', data: {} })]),
    ).resolves.toMatchObject({ success: true });
  }

  function rawAppend(requests: AppendReq[]): Promise<{ error?: ServiceError; response?: AppendResp }> {
    return new Promise((resolve) => {
      const call = raw.append((error, response) => resolve(error ? { error } : { response }));
      call.on('error', () => undefined);
      for (const request of requests) call.write(request);
      call.end();
    });
  }

  function rawBatch(requests: BatchAppendReq[]) {
    return rawBatchTo(server, requests);
  }

  function rawRead(request: ReadReq): Promise<{ error?: ServiceError; responses: ReadResp[] }> {
    return new Promise((resolve) => {
      const responses: ReadResp[] = [];
      raw
        .read(request)
        .on('data', (response: ReadResp) => responses.push(response))
        .on('error', (error: ServiceError) => resolve({ error, responses }))
        .on('end', () => resolve({ responses }));
    });
  }
});

interface Proposal {
  id: string | null;
  type: string | null;
  contentType: string | null;
  data: Uint8Array;
  metadata: Uint8Array;
}

function propose<T extends AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage>(
  message: T,
  proposal: Partial<Proposal>,
): T {
  const {
    id = uuid(),
    type = 'Proposed',
    contentType = 'application/json',
    data = new Uint8Array(),
    metadata,
  } = proposal;
  if (id !== null) message.setId(new UUID().setString(id));
  if (type !== null) message.getMetadataMap().set('type', type);
  if (contentType !== null) message.getMetadataMap().set('content-type', contentType);
  message.setData(data);
  if (metadata) message.setCustomMetadata(metadata);
  return message;
}

function appendProposal(proposal: Partial<Proposal>): AppendReq {
  return new AppendReq().setProposedMessage(propose(new AppendReq.ProposedMessage(), proposal));
}

function batchProposal(proposal: Partial<Proposal>): BatchAppendReq.ProposedMessage {
  return propose(new BatchAppendReq.ProposedMessage(), proposal);
}

function appendOptions(stream: string): AppendReq {
  return new AppendReq().setOptions(
    new AppendReq.Options().setStreamIdentifier(streamIdentifier(stream)).setAny(empty()),
  );
}

function batchOptions(stream: string): BatchAppendReq.Options {
  return new BatchAppendReq.Options().setStreamIdentifier(streamIdentifier(stream)).setAny(new ProtobufEmpty());
}

function batchRequest(
  correlation: UUID,
  messages: BatchAppendReq.ProposedMessage[],
  final: boolean,
  options?: BatchAppendReq.Options,
): BatchAppendReq {
  const request = new BatchAppendReq()
    .setCorrelationId(correlation)
    .setProposedMessagesList(messages)
    .setIsFinal(final);
  return options ? request.setOptions(options) : request;
}

function rawBatchTo(
  server: EsdbTestServer,
  requests: BatchAppendReq[],
): Promise<{ error?: ServiceError; responses: BatchAppendResp[] }> {
  const raw = new StreamsClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
  return new Promise<{ error?: ServiceError; responses: BatchAppendResp[] }>((resolve) => {
    const responses: BatchAppendResp[] = [];
    const call = raw.batchAppend();
    call.on('data', (response: BatchAppendResp) => {
      responses.push(response);
      if (responses.length === requests.filter((request) => request.getIsFinal()).length) call.end();
    });
    call.on('error', (error: ServiceError) => resolve({ error, responses }));
    call.on('end', () => resolve({ responses }));
    for (const request of requests) call.write(request);
  }).finally(() => raw.close());
}

async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
