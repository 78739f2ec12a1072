import {
  EventStoreDBClient,
  jsonEvent,
  streamNameFilter,
  type AllStreamSubscription,
  type Position,
} from '@eventstore/db-client';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ServerFeaturesClient } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import type { SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { credentials } from '@grpc/grpc-js';
import { v4 as uuid } from 'uuid';
import { startEsdbTestServer, type EsdbTestServer } from './esdb-test-server';
import { empty, streamIdentifier, uuidOf } from './wire';

/** The test server seen through EventStoreDB's own client and raw gRPC: is it faithful to the wire? */
describe('EventStoreDB test server', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    server = await startEsdbTestServer();
    client = EventStoreDBClient.connectionString(server.url);
  });
  afterAll(async () => {
    await client.dispose();
    await server.stop();
  });

  it('keeps the ids the client sends and stamps created as ticks since the epoch', async () => {
    const id = uuid();
    const before = Date.now();
    const result = await client.appendToStream('cj.test.job.web', [
      jsonEvent({ id, type: 'JobDeclared', data: { image: 'web:1' }, metadata: { actor: 'ops' } }),
    ]);
    expect(result).toMatchObject({ success: true, nextExpectedRevision: 0n });
    expect(result.position?.commit).toBe(result.position?.prepare);

    const [read] = await collect(client.readStream('cj.test.job.web'));
    expect(read?.event).toMatchObject({
      id,
      type: 'JobDeclared',
      data: { image: 'web:1' },
      metadata: { actor: 'ops' },
      revision: 0n,
      isJson: true,
    });
    expect(read?.event?.position).toEqual(result.position);
    expect(read?.event?.created.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(read?.event?.created.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('answers in the structured UUID form when a reader asks for it', async () => {
    const id = uuid();
    await client.appendToStream('cj.test.job.structured', [jsonEvent({ id, type: 'JobDeclared', data: {} })]);
    const raw = new StreamsClient(server.url.replace(/^esdb:\/\/|\?.*$/g, ''), credentials.createInsecure());
    const options = new ReadReq.Options()
      .setStream(
        new ReadReq.Options.StreamOptions()
          .setStreamIdentifier(streamIdentifier('cj.test.job.structured'))
          .setStart(empty()),
      )
      .setCount('10')
      .setNoFilter(empty())
      .setUuidOption(new ReadReq.Options.UUIDOption().setStructured(empty()));
    const responses: ReadResp[] = [];
    await new Promise<void>((resolve, reject) =>
      raw
        .read(new ReadReq().setOptions(options))
        .on('data', (response: ReadResp) => responses.push(response))
        .on('end', resolve)
        .on('error', reject),
    );
    raw.close();
    const wireId = responses[0]?.getEvent()?.getEvent()?.getId();
    expect(wireId?.hasStructured()).toBe(true);
    expect(uuidOf(wireId)).toBe(id);
  });

  it('reports WrongExpectedVersion with the expected and current revisions', async () => {
    await client.appendToStream('cj.test.job.conflict', [jsonEvent({ type: 'JobDeclared', data: {} })]);
    await expect(
      client.appendToStream('cj.test.job.conflict', [jsonEvent({ type: 'JobDeclared', data: {} })], {
        expectedRevision: 'no_stream',
      }),
    ).rejects.toMatchObject({
      type: 'wrong-expected-version',
      streamName: 'cj.test.job.conflict',
      expectedVersion: 'no_stream',
      actualVersion: 0n,
    });
  });

  it('sends a confirmation, checkpoints of a filtered scan, and CaughtUp before live events', async () => {
    const other = `cj.other.${uuid()}`;
    for (let batch = 0; batch < 3; batch++) {
      await client.appendToStream(
        other,
        Array.from({ length: 20 }, () => jsonEvent({ type: 'Noise', data: {} })),
      );
    }
    const wanted = `cj.wanted.${uuid()}`;
    await client.appendToStream(wanted, [jsonEvent({ type: 'JobDeclared', data: {} })]);

    const seen: string[] = [];
    const checkpoints: Position[] = [];
    const subscription: AllStreamSubscription = client.subscribeToAll({
      filter: streamNameFilter({
        prefixes: [wanted],
        checkpointInterval: 1,
        checkpointReached: (_s, position) => void checkpoints.push(position),
      }),
    });
    subscription.on('confirmation', () => seen.push('confirmation'));
    subscription.on('caughtUp', () => seen.push('caughtUp'));
    subscription.on('data', (resolved) => {
      seen.push(resolved.event!.streamId === wanted ? 'event' : 'unexpected');
      if (seen.filter((entry) => entry === 'event').length === 1) {
        void client.appendToStream(wanted, [jsonEvent({ type: 'JobUpdated', data: {} })]);
      }
    });
    await until(() => seen.filter((entry) => entry === 'event').length === 2);
    await subscription.unsubscribe();

    expect(seen).toEqual(['confirmation', 'event', 'caughtUp', 'event']);
    // 60 non-matching events in windows of 32: one checkpoint while scanning, one on catching up.
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(checkpoints[0]!.commit).toBe(checkpoints[0]!.prepare);
  });

  it.each([
    [true, ['append', 'batchappend', 'getsupportedmethods', 'read']],
    [false, ['append', 'getsupportedmethods', 'read']],
  ])('lists its methods in ServerFeatures (BatchAppend: %s)', async (batchAppend, methods) => {
    const other = await startEsdbTestServer({ batchAppend, version: '22.10.0' });
    const features = new ServerFeaturesClient(`127.0.0.1:${other.port}`, credentials.createInsecure());
    try {
      const supported = await new Promise<SupportedMethods>((resolve, reject) =>
        features.getSupportedMethods(new Empty(), (error, response) => (error ? reject(error) : resolve(response))),
      );
      expect(supported.getEventStoreServerVersion()).toBe('22.10.0');
      expect(
        supported
          .getMethodsList()
          .map((method) => method.getMethodName())
          .sort(),
      ).toEqual(methods);
    } finally {
      features.close();
      await other.stop();
    }
  });
});

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
