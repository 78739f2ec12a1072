/**
 * Rollouts that change where a job's tasks run, end to end: the built orchestrator, two fake
 * Docker hosts and the demo images. A rollout to fewer replicas, or to a task on another host,
 * leaves nothing of the old placement behind once it succeeds; one rolled back leaves the old
 * placement running.
 */
import { DockerRuntime } from '@cj/docker-adapter';
import type { ContainerInfo } from '@cj/domain';
import type { ApplyResponse, AuditEntry, RolloutView, StatusResponse } from '@cj/api';
import {
  DEMO_REGISTRY,
  ensureDemoImages,
  startFakeHosts,
  type FakeHost,
  type FakeHosts,
} from '@cj/docker-adapter/testing';
import Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { rolloutJobsFile } from '../rollouts/testing/rollout-jobs-file';
import { OrchestratorProcess, waitUntil } from '../testing';

jest.setTimeout(90_000);

const ENV = 'place';
const PORT = 18780;
const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });

describe('a rollout that scales a job down or moves a task leaves nothing behind', () => {
  let fake: FakeHosts;
  let h1: FakeHost;
  let h2: FakeHost;
  let orchestrator: OrchestratorProcess;
  let runtimes: Map<string, DockerRuntime>;

  /** Applies `web` at `tag` with `replicas` spread over `hosts`; returns the rollout the change began, if any. */
  const apply = async (tag: string, hosts: readonly FakeHost[], replicas: number): Promise<string | undefined> => {
    const text = rolloutJobsFile(
      ENV,
      [h1.spec, h2.spec],
      [{ name: 'web', tag, hosts: hosts.map((h) => h.name), replicas, port: PORT }],
    );
    const answer = await orchestrator.request<ApplyResponse>('POST', `/v1/envs/${ENV}/apply`, {
      ...change(),
      jobs: { file: 'jobs.yaml', text },
    });
    expect(answer.status).toBe(200);
    return answer.body.plan[0].rolloutId;
  };
  const ended = async (id: string | undefined): Promise<RolloutView> => {
    expect(id).toBeDefined();
    const answer = await waitUntil(
      () => orchestrator.request<RolloutView>('GET', `/v1/envs/${ENV}/rollouts/${id}`),
      (a) => !['running', 'rolling-back'].includes(a.body.phase),
      30_000,
    );
    return answer.body;
  };
  /** Every container of `web` on the hosts, as `task@host r<revision> <state>`, in task order. */
  const onHosts = async (): Promise<string[]> => {
    const all: ContainerInfo[] = (
      await Promise.all([...runtimes.values()].map((r) => r.list({ env: ENV, job: 'web' })))
    ).flat();
    return all.map((c) => `${c.task}@${c.host} r${c.revision} ${c.state}`).sort();
  };
  const running = async () => (await onHosts()).filter((c) => c.endsWith(' running'));
  /** What `cj status` shows, once it shows `count` tasks all observed running. */
  const status = async (count: number): Promise<string[]> => {
    const answer = await waitUntil(
      () => orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status?job=web`),
      (a) => a.body.tasks.length === count && a.body.tasks.every((t) => t.observed?.state === 'running'),
    );
    return answer.body.tasks.map(
      (t) => `${t.task}@${t.host} r${t.desired.revision}/${t.observed?.revision ?? '-'} ${t.observed?.state ?? 'none'}`,
    );
  };
  const served = async (host: FakeHost, port: number) =>
    (await (await fetch(`http://${host.address}:${port}/version`)).text()).trim();

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(2);
    [h1, h2] = fake.hosts;
    runtimes = new Map(fake.hosts.map((h) => [h.name, new DockerRuntime(h.spec)]));
    orchestrator = await OrchestratorProcess.start({ observeInterval: '500ms' });
    await apply('v1', [h1, h2], 3);
    expect((await orchestrator.request('POST', `/v1/envs/${ENV}/jobs/web/up`, change())).status).toBe(200);
  });

  afterAll(async () => {
    await orchestrator?.stop();
    await fake?.stop();
  });

  it('scale down 3 → 2 with a new tag: the dropped task is gone from the engines and from status', async () => {
    expect(await running()).toEqual([`0@${h1.name} r1 running`, `1@${h2.name} r1 running`, `2@${h1.name} r1 running`]);

    expect((await ended(await apply('v2', [h1, h2], 2))).phase).toBe('succeeded');

    expect(await running()).toEqual([`0@${h1.name} r2 running`, `1@${h2.name} r2 running`]);
    expect((await onHosts()).filter((c) => c.startsWith('2@'))).toEqual([]);
    expect(await status(2)).toEqual([`0@${h1.name} r2/2 running`, `1@${h2.name} r2/2 running`]);
    const audit = (await orchestrator.request<AuditEntry[]>('GET', `/v1/envs/${ENV}/audit?limit=1000`)).body;
    expect(audit.filter((e) => e.type === 'ContainerRemoved' && e.summary.includes('task=2 '))).toHaveLength(1);
  });

  it('moving task 1 to the other host: nothing of the job is left on the old host', async () => {
    expect((await ended(await apply('v2', [h1], 2))).phase).toBe('succeeded');

    expect(await running()).toEqual([`0@${h1.name} r3 running`, `1@${h1.name} r3 running`]);
    expect((await onHosts()).filter((c) => c.includes(`@${h2.name} `))).toEqual([]);
    expect(await status(2)).toEqual([`0@${h1.name} r3/3 running`, `1@${h1.name} r3/3 running`]);
    expect(await served(h1, PORT + 1)).toBe('v2');
  });

  it('a move that is rolled back leaves the old placement running and removes what it started on the new host', async () => {
    const rolledBack = await ended(await apply('unhealthy', [h1, h2], 2));

    expect(rolledBack.phase).toBe('rolled-back');
    expect(await running()).toEqual([`0@${h1.name} r3 running`, `1@${h1.name} r3 running`]);
    expect((await onHosts()).filter((c) => c.includes(`@${h2.name} `))).toEqual([]);
    expect(await served(h1, PORT)).toBe('v2');
    expect(await served(h1, PORT + 1)).toBe('v2');
    expect(await status(2)).toEqual([`0@${h1.name} r3/3 running`, `1@${h1.name} r3/3 running`]);
  });

  it("leaves alone a container of the job's labels for a revision the job never had: it is someone's, not a leftover", async () => {
    const docker = new Docker({ socketPath: h2.socketPath });
    const stray = await docker.createContainer({
      name: 'web-debug',
      Image: `${DEMO_REGISTRY}/cj-demo:v1`,
      Env: [`PORT=${PORT + 9}`],
      Labels: { 'cj.env': ENV, 'cj.job': 'web', 'cj.task': '5', 'cj.revision': '77' },
      HostConfig: { NetworkMode: 'host', Init: true },
    });
    await stray.start();
    try {
      expect((await ended(await apply('v1', [h1], 2))).phase).toBe('succeeded');

      expect((await stray.inspect()).State.Running).toBe(true);
      expect(await running()).toEqual([
        `0@${h1.name} r5 running`,
        `1@${h1.name} r5 running`,
        `5@${h2.name} r77 running`,
      ]);
    } finally {
      await stray.remove({ force: true });
    }
  });
});
