/**
 * A cluster knows what it owns. Two orchestrators on two fresh stores share one host: the second
 * never stops, removes or claims the first one's containers (checked on the host's engine), and
 * reports the host as shared. A copy of a store (`cj admin backup`) started somewhere else keeps
 * the store's identity, holds its hosts — the live cluster's containers stay untouched and are not
 * reported removed — and refuses to roll out there until `cj hosts confirm`.
 */
import Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '@cj/event-store';
import type { ApiProblem, AuditEntry, HostView, StatusResponse, StoreIdentityView } from '@cj/api';
import { ensureDemoImages, startFakeHosts, waitFor, type FakeHost, type FakeHosts } from '@cj/docker-adapter/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the real `cj` binary is what an operator runs; its test runner is the CLI's test-only helper
import { runCj } from '../../../cli/src/testing/cli';
import { demoJobsFile, OrchestratorProcess } from '../testing';

jest.setTimeout(240_000);

const ENV = 'prod';
const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the host's engine says of every container of the environment: id → [name, state, started at]. */
async function engineView(host: FakeHost): Promise<Map<string, [string, string, string]>> {
  const docker = new Docker({ socketPath: host.socketPath });
  const listed = await docker.listContainers({ all: true, filters: { label: [`cj.env=${ENV}`] } });
  const view = new Map<string, [string, string, string]>();
  for (const summary of listed) {
    const inspected = await docker.getContainer(summary.Id).inspect();
    view.set(summary.Id, [inspected.Name, inspected.State.Status, inspected.State.StartedAt]);
  }
  return view;
}

/** The types of the events recorded in a store file, in log order (streams under `prefix`). */
async function eventTypes(storePath: string, prefix: string): Promise<string[]> {
  const store = openSqliteEventStore(storePath);
  try {
    return (await store.readAll()).filter((event) => event.streamId.startsWith(prefix)).map((event) => event.type);
  } finally {
    await store.close();
  }
}

async function applyAndUp(orchestrator: OrchestratorProcess, host: FakeHost, port: number): Promise<void> {
  const text = demoJobsFile(ENV, [host.spec], [{ name: 'web', tag: 'v1', hosts: [host.name], port }]);
  const applied = await orchestrator.request('POST', `/v1/envs/${ENV}/apply`, {
    ...change(),
    jobs: { file: 'jobs.yaml', text },
  });
  expect(applied.status).toBe(200);
  const up = await orchestrator.request('POST', `/v1/envs/${ENV}/jobs/web/up`, change());
  expect(up.status).toBe(200);
}

const status = async (orchestrator: OrchestratorProcess) =>
  (await orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status`)).body;
const identity = async (orchestrator: OrchestratorProcess) =>
  (await orchestrator.request<StoreIdentityView>('GET', '/v1/store')).body;

describe('a cluster knows what it owns', () => {
  let fake: FakeHosts;
  const started: OrchestratorProcess[] = [];
  const start = async (options: Parameters<typeof OrchestratorProcess.start>[0] = {}) => {
    const orchestrator = await OrchestratorProcess.start({ observeInterval: '300ms', ...options });
    started.push(orchestrator);
    return orchestrator;
  };

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(2);
  });

  afterAll(async () => {
    for (const orchestrator of started) await orchestrator.stop();
    await fake?.stop();
  });

  describe('two clusters on two fresh stores, one host', () => {
    let a: OrchestratorProcess;
    let b: OrchestratorProcess;
    let host: FakeHost;

    beforeAll(async () => {
      host = fake.hosts[0];
      a = await start();
      b = await start();
      await applyAndUp(a, host, 18710);
    });

    it('gives each store its own identity, in /v1/store and /healthz, and labels each container with it', async () => {
      const [ida, idb] = [await identity(a), await identity(b)];
      expect(ida.storeId).toMatch(/^[0-9a-f-]{36}$/);
      expect(idb.storeId).not.toBe(ida.storeId);
      expect(ida.location).toEqual({ kind: 'embedded', machine: expect.any(String), path: a.store });
      expect(ida).not.toHaveProperty('relocatedFrom');
      expect((await a.request<{ storeId: string }>('GET', '/healthz')).body.storeId).toBe(ida.storeId);
      const docker = new Docker({ socketPath: host.socketPath });
      const [container] = await docker.listContainers({ all: true, filters: { label: [`cj.env=${ENV}`] } });
      expect(container.Labels['cj.cluster']).toBe(ida.storeId);
      expect(container.Names[0]).toBe(`/cj-${ENV}-web-0-r1.${ida.storeId.replace(/-/g, '').slice(0, 8)}`);
    });

    it("never touches the other cluster's containers: through observation, up and a rollout of a same-named job", async () => {
      const before = await engineView(host);
      expect(before.size).toBe(1);
      const [aContainer] = [...before.keys()];

      // The same environment, job and task, on another port: names must not collide, and B must not claim A's.
      await applyAndUp(b, host, 18711);
      await pause(2_000); // several observation passes of both
      const rolled = await runCj(['rolling-update', 'web', '--tag', 'v2'], {
        url: b.url,
        env: ENV,
        timeoutMs: 120_000,
      });
      expect(rolled.code).toBe(0);
      await pause(1_500);

      const after = await engineView(host);
      expect(after.get(aContainer)).toEqual(before.get(aContainer));
      expect(after.get(aContainer)?.[1]).toBe('running');
      // B's own container runs beside it (its v1 one was replaced by the rollout).
      expect([...after.keys()].filter((id) => id !== aContainer && after.get(id)?.[1] === 'running')).toHaveLength(1);

      // Neither log claims or buries the other's container.
      const aTask = (await status(a)).tasks[0];
      expect(aTask.observed).toMatchObject({ containerId: aContainer, state: 'running', revision: 1 });
      const bTask = (await status(b)).tasks[0];
      expect(bTask.observed?.containerId).not.toBe(aContainer);
      expect(bTask.observed?.state).toBe('running');
      expect((await status(a)).unexpected).toBeUndefined();
      expect((await status(b)).unexpected).toBeUndefined();
      const bJobEvents = (await b.request<AuditEntry[]>('GET', `/v1/envs/${ENV}/audit?job=web&all=true&limit=500`))
        .body;
      expect(bJobEvents.filter((entry) => JSON.stringify(entry).includes(aContainer.slice(0, 12)))).toEqual([]);
    });

    it('records the shared host once and warns about it in cj hosts', async () => {
      const idb = await identity(b);
      const ida = await identity(a);
      await waitFor('B reports the host as shared', async () =>
        (await eventTypes(b.store, `cj.${ENV}.host.`)).includes('HostSharedWithCluster'),
      );
      await waitFor('A reports it too', async () =>
        (await eventTypes(a.store, `cj.${ENV}.host.`)).includes('HostSharedWithCluster'),
      );
      await pause(1_000);
      expect(
        (await eventTypes(b.store, `cj.${ENV}.host.`)).filter((type) => type === 'HostSharedWithCluster'),
      ).toHaveLength(1);
      const hosts = (await b.request<HostView[]>('GET', `/v1/envs/${ENV}/hosts`)).body;
      expect(hosts[0].sharedWith).toEqual([
        expect.objectContaining({
          storeId: ida.storeId,
          containers: [expect.objectContaining({ job: 'web', task: 0 })],
        }),
      ]);
      const shown = await runCj(['hosts'], { url: b.url, env: ENV });
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(
        `! shared: ${host.name} also runs 1 container of another cluster (store ${ida.storeId}); cj leaves them alone`,
      );
      expect((await status(b)).sharedHosts).toEqual([{ host: host.name, storeId: ida.storeId, containers: 1 }]);
      expect((await runCj(['status'], { url: b.url, env: ENV })).stdout).toContain(
        `! shared: ${host.name} also runs 1 container of another cluster`,
      );
      expect(idb.storeId).not.toBe(ida.storeId);
    });
  });

  describe('a copy of a store started somewhere else', () => {
    let a: OrchestratorProcess;
    let copy: OrchestratorProcess;
    let host: FakeHost;
    let copyDir: string;

    beforeAll(async () => {
      host = fake.hosts[1];
      a = await start();
      await applyAndUp(a, host, 18720);
      copyDir = mkdtempSync(join(tmpdir(), 'cj-copy-'));
    });

    afterAll(() => rmSync(copyDir, { recursive: true, force: true }));

    it('keeps the identity, records that it moved, holds its hosts and leaves the live containers alone', async () => {
      const backup = await runCj(['admin', 'backup', join(copyDir, 'cj.db')], { url: a.url, env: ENV });
      expect(backup.code).toBe(0);
      const before = await engineView(host);
      expect(before.size).toBe(1);

      copy = await start({ store: join(copyDir, 'cj.db') });
      const [ida, idc] = [await identity(a), await identity(copy)];
      expect(idc.storeId).toBe(ida.storeId);
      expect(idc.relocatedFrom).toEqual(ida.location);
      expect(idc.location).toEqual({ kind: 'embedded', machine: expect.any(String), path: join(copyDir, 'cj.db') });
      expect(await eventTypes(join(copyDir, 'cj.db'), 'cj-store')).toEqual(['StoreIdentified', 'StoreRelocated']);

      await pause(2_500); // several observation passes of the copy
      expect(await engineView(host)).toEqual(before);
      const hostTypes = await eventTypes(join(copyDir, 'cj.db'), `cj.${ENV}.host.`);
      expect(hostTypes.filter((type) => type === 'HostHeld')).toHaveLength(1);
      const jobTypes = await eventTypes(join(copyDir, 'cj.db'), `cj.${ENV}.job.`);
      expect(jobTypes).not.toContain('ContainerRemoved');
      expect(jobTypes).not.toContain('ContainerExited');
      expect((await status(copy)).tasks[0].observed).toMatchObject({
        containerId: [...before.keys()][0],
        state: 'running',
      });

      const hosts = (await copy.request<HostView[]>('GET', `/v1/envs/${ENV}/hosts`)).body;
      expect(hosts).toEqual([expect.objectContaining({ name: host.name, held: true })]);
      const shown = await runCj(['hosts'], { url: copy.url, env: ENV });
      expect(shown.stdout).toContain(`! held: ${host.name}`);
      expect(shown.stdout).toContain(`cj hosts confirm ${host.name}`);
      expect((await status(copy)).heldHosts).toEqual([host.name]);
      expect((await runCj(['status'], { url: copy.url, env: ENV })).stdout).toContain(`! held: ${host.name}`);
    });

    it('refuses a rolling update onto a held host with 409 naming it, recording nothing', async () => {
      const jobBefore = await eventTypes(join(copyDir, 'cj.db'), `cj.${ENV}.job.`);
      const refused = await copy.request<ApiProblem>('POST', `/v1/envs/${ENV}/jobs/web/rolling-update`, {
        ...change(),
        tag: 'v2',
      });
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toContain(`host ${host.name} of environment ${ENV} is held`);
      expect(refused.body.hint).toContain(`cj hosts confirm ${host.name}`);
      const down = await copy.request<ApiProblem>('POST', `/v1/envs/${ENV}/jobs/web/down`, change());
      expect(down.status).toBe(409);
      expect(await eventTypes(join(copyDir, 'cj.db'), `cj.${ENV}.job.`)).toEqual(jobBefore);
      const cli = await runCj(['rolling-update', 'web', '--tag', 'v2'], { url: copy.url, env: ENV });
      expect(cli.code).not.toBe(0);
      expect(cli.stderr).toContain('held');
    });

    it('acts on the host once it is confirmed (the live cluster handed over)', async () => {
      await a.stop();
      started.splice(started.indexOf(a), 1);
      const confirmed = await runCj(['hosts', 'confirm', '--all'], { url: copy.url, env: ENV });
      expect(confirmed.code).toBe(0);
      expect(confirmed.stdout).toContain(`Confirmed ${host.name}`);
      expect(await eventTypes(join(copyDir, 'cj.db'), `cj.${ENV}.host.`)).toContain('HostConfirmed');
      const again = await runCj(['hosts', 'confirm', '--all', '--json'], { url: copy.url, env: ENV });
      expect(JSON.parse(again.stdout)).toEqual({ confirmed: [], notHeld: [host.name] });
      const unknown = await runCj(['hosts', 'confirm', 'nowhere'], { url: copy.url, env: ENV });
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain('declares no host nowhere');

      const rolled = await runCj(['rolling-update', 'web', '--tag', 'v2'], {
        url: copy.url,
        env: ENV,
        timeoutMs: 120_000,
      });
      expect(rolled.code).toBe(0);
      expect((await status(copy)).tasks[0].observed).toMatchObject({ state: 'running', revision: 2 });
      expect(await status(copy)).not.toHaveProperty('heldHosts');
    });
  });
});
