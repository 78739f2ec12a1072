/**
 * A command whose events are larger than the event store takes in one append (1 MiB by default,
 * EventStoreDB's MaxAppendSize) is refused with 413 and what to do, and records nothing: on the
 * embedded store and on EventStoreDB (the wire-compatible test server), through the built binary.
 */
import { randomUUID } from 'node:crypto';
import { EventStoreDbStore, openSqliteEventStore, type EventStore } from '@cj/event-store';
import { startEsdbTestServer, type EsdbTestServer } from '@cj/event-store/esdb-test-server';
import type { ApiProblem, ApplyResponse } from '@cj/api';
import { ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import { demoJobsFile, OrchestratorProcess } from '../testing';

jest.setTimeout(120_000);

const ENV = 'large';
const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });

describe.each([
  ['the embedded store', false],
  ['EventStoreDB', true],
])('events too large for one append, on %s', (_label, esdb) => {
  let fake: FakeHosts;
  let server: EsdbTestServer | undefined;
  let orchestrator: OrchestratorProcess;

  const openStore = (): EventStore =>
    server ? new EventStoreDbStore(server.url) : openSqliteEventStore(orchestrator.store);

  /** Events recorded on someone's request (the observation loop's own may come at any time). */
  async function requested(): Promise<number> {
    const store = openStore();
    try {
      return (await store.readAll()).filter((event) => (event.metadata as { actor?: string }).actor !== 'orchestrator')
        .length;
    } finally {
      await store.close();
    }
  }

  const jobsFile = (envs: Record<string, string>) =>
    demoJobsFile(
      ENV,
      fake.hosts.map((host) => host.spec),
      [{ name: 'web', tag: 'v1', hosts: [fake.hosts[0]!.name], port: 18590, envs }],
    );

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(1);
    server = esdb ? await startEsdbTestServer() : undefined;
    orchestrator = await OrchestratorProcess.start({ ...(server && { store: server.url }), readyTimeoutMs: 60_000 });
  });
  afterAll(async () => {
    await orchestrator?.stop();
    await server?.stop();
    await fake?.stop();
  });

  it('answers 413 with what to do, and records nothing', async () => {
    const first = await orchestrator.request<ApplyResponse>('POST', `/v1/envs/${ENV}/apply`, {
      ...change(),
      jobs: { file: 'jobs.yaml', text: jobsFile({ GREETING: 'hello' }) },
    });
    expect(first.status).toBe(200);
    const before = await requested();

    // One env value of 30,000 '€' (3 bytes each in UTF-8), anchored once and aliased 12 times: the
    // file stays far under the jobs file's 1 MiB and the value under its length limit, while the
    // job's new revision carries 13 copies, about 1.2 MB, past the store's maximum append size.
    const names = Array.from({ length: 13 }, (_, index) => `BLOB_${index}`);
    const text = jobsFile(Object.fromEntries(names.map((name) => [name, 'PLACEHOLDER'])))
      .replace('BLOB_0: "PLACEHOLDER"', `BLOB_0: &blob "${'€'.repeat(30_000)}"`)
      .replace(/(BLOB_\d+): "PLACEHOLDER"/g, '$1: *blob');
    expect(Buffer.byteLength(text)).toBeLessThan(200_000);
    const refused = await orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/apply`, {
      ...change(),
      jobs: { file: 'jobs.yaml', text },
    });
    expect(refused.status).toBe(413);
    expect(refused.contentType).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({
      type: 'https://cj.dev/problems/events-too-large',
      title: 'Events too large',
      status: 413,
    });
    expect(refused.body.detail).toMatch(
      /not recorded.*cj\.large\.job\.web.*exceed the store's maximum append size of 1048576 bytes/s,
    );
    expect(refused.body.hint).toMatch(/smaller.*split/);
    expect(await requested()).toBe(before);

    // The orchestrator carries on: a file of ordinary size is applied.
    const again = await orchestrator.request<ApplyResponse>('POST', `/v1/envs/${ENV}/apply`, {
      ...change(),
      jobs: { file: 'jobs.yaml', text: jobsFile({ GREETING: 'hi' }) },
    });
    expect(again.status).toBe(200);
  });
});
