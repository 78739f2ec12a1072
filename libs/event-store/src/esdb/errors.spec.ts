import { v4 as uuid } from 'uuid';
import { MaximumAppendSizeExceededError, StreamNotFoundError, WrongExpectedVersionError } from '../errors';
import { startEsdbTestServer, type EsdbTestServer } from '../testing/esdb-server';
import { InvalidArgumentError } from '../validation';
import { EventStoreDbStore } from './esdb-store';
import { EventStoreDeadlineError, EventStoreUnavailableError, InvalidConnectionStringError } from './errors';

const started = () => ({ id: uuid(), type: 'ContainerStarted', data: { task: 'web-1' } });

describe('EventStoreDB adapter: connection strings', () => {
  it('rejects a string that does not parse, saying where and what form to use', () => {
    const create = () => new EventStoreDbStore('esdb://127.0.0.1:notaport?tls=false');
    expect(create).toThrow(InvalidConnectionStringError);
    expect(create).toThrow(/esdb:\/\/127\.0\.0\.1:notaport\?tls=false.*Use the form esdb:\/\/host:2113\?tls=false/s);
  });

  it('rejects throwOnAppendFailure=false, which would hide failed appends', () => {
    expect(() => new EventStoreDbStore('esdb://127.0.0.1:2113?tls=false&throwOnAppendFailure=false')).toThrow(
      /throwOnAppendFailure=false is not supported/,
    );
  });

  it('rejects a deadline that is not positive', () => {
    expect(() => new EventStoreDbStore('esdb://127.0.0.1:2113?tls=false', { deadlineMs: 0 })).toThrow(
      InvalidConnectionStringError,
    );
  });
});

describe('EventStoreDB adapter: typed errors', () => {
  it('reports a server nobody listens on as unavailable, naming the operation', async () => {
    const server = await startEsdbTestServer();
    const url = server.url;
    await server.stop();
    const store = new EventStoreDbStore(url);
    try {
      await expect(store.readStream('cj.prod.job.web')).rejects.toThrow(EventStoreUnavailableError);
      await expect(store.readStream('cj.prod.job.web')).rejects.toThrow(/read of cj\.prod\.job\.web failed/);
    } finally {
      await store.close();
    }
  });

  it('refuses event types starting with $, which EventStoreDB keeps for itself', async () => {
    const store = new EventStoreDbStore('esdb://127.0.0.1:1?tls=false');
    try {
      await expect(store.append('cj.prod.job.web', [{ ...started(), type: '$metadata' }], 'any')).rejects.toThrow(
        InvalidArgumentError,
      );
    } finally {
      await store.close();
    }
  });
});

describe.each([
  ['BatchAppend', true],
  ['Append', false],
])('EventStoreDB adapter through %s', (_label, batchAppend) => {
  let server: EsdbTestServer;
  let store: EventStoreDbStore;

  beforeAll(async () => {
    server = await startEsdbTestServer({ batchAppend });
    store = new EventStoreDbStore(server.url, { deadlineMs: 300 });
  });
  afterAll(async () => {
    await store.close();
    await server.stop();
  });
  afterEach(() => server.resume());

  it('maps a failed expectation to WrongExpectedVersionError with stream, expected and actual', async () => {
    const stream = `cj.prod.job.${uuid()}`;
    await store.append(stream, [started()], 'no_stream');
    const error = await store.append(stream, [started()], 5n).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamId: stream, expected: 5n, actual: 0n });
  });

  it('maps a missing stream to StreamNotFoundError', async () => {
    await expect(store.readStream(`cj.prod.job.${uuid()}`)).rejects.toThrow(StreamNotFoundError);
  });

  it('fails an append that outlives its deadline with EventStoreDeadlineError', async () => {
    server.pause();
    const attempt = store.append(`cj.prod.job.${uuid()}`, [started()], 'any');
    await expect(attempt).rejects.toThrow(EventStoreDeadlineError);
    await expect(attempt).rejects.toThrow(/append to cj\.prod\.job\..* did not finish within 300 ms/);
  });

  it('fails a read that outlives its deadline with EventStoreDeadlineError', async () => {
    const stream = `cj.prod.job.${uuid()}`;
    await store.append(stream, [started()], 'any');
    server.pause();
    await expect(store.readStream(stream)).rejects.toThrow(EventStoreDeadlineError);
    await expect(store.readAll({ maxCount: 1 })).rejects.toThrow(/read of \$all did not finish within 300 ms/);
  });

  it('works normally again once the server answers', async () => {
    const stream = `cj.prod.job.${uuid()}`;
    await expect(store.append(stream, [started(), started()], 'no_stream')).resolves.toMatchObject({
      nextExpectedRevision: 1n,
    });
    await expect(store.readStream(stream)).resolves.toHaveLength(2);
  });

  it("maps the server's MaximumAppendSizeExceeded to MaximumAppendSizeExceededError with the server's limit, writing nothing", async () => {
    const small = await startEsdbTestServer({ batchAppend, maxAppendSize: 200 });
    const smallStore = new EventStoreDbStore(small.url);
    try {
      const stream = `cj.prod.job.${uuid()}`;
      const events = Array.from({ length: 3 }, () => ({
        id: uuid(),
        type: 'JobDeclared',
        data: { image: 'x'.repeat(80) },
      }));
      const error = await smallStore.append(stream, events, 'no_stream').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MaximumAppendSizeExceededError);
      expect(error).toMatchObject({ streamId: stream, maxAppendSize: 200, eventCount: 3 });
      expect((error as MaximumAppendSizeExceededError).size).toBeGreaterThan(200);
      await expect(smallStore.readStream(stream)).rejects.toThrow(StreamNotFoundError);
    } finally {
      await smallStore.close();
      await small.stop();
    }
  });
});
