/**
 * The orchestrator on EventStoreDB: the built binary started with `--store esdb://…` against the
 * wire-compatible test server, two fake Docker hosts, the demo images in the local registry.
 * One job of three replicas on two hosts goes v1 → v2 (succeeds) → crash (rolls back to v2), and every step
 * is read back from the EventStoreDB server through the adapter.
 */
import { randomUUID } from 'node:crypto';
import { EventStoreDbStore, type RecordedEvent } from '@cj/event-store';
import { startEsdbTestServer, type EsdbTestServer } from '@cj/event-store/esdb-test-server';
import type { ApplyResponse, RolloutView, StatusResponse, UpDownResponse } from '@cj/api';
import { ensureDemoImages, startFakeHosts, waitFor, type FakeHosts } from '@cj/docker-adapter/testing';
import { rolloutJobsFile } from '../rollouts/testing/rollout-jobs-file';
import { OrchestratorProcess } from '../testing';

jest.setTimeout(180_000);

const ENV = 'esdb';
const PORT = 18480;
const FINISHED: readonly RolloutView['phase'][] = ['succeeded', 'rolled-back', 'failed', 'aborted'];
const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });

describe('a rollout and a rollback, with EventStoreDB as the event store', () => {
  let server: EsdbTestServer;
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;

  /** What each task answers on /version, in task order. */
  const served = async (): Promise<string[]> => {
    const { tasks } = (await orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status?job=web`)).body;
    return Promise.all(
      tasks.map(async (task) => {
        const address = fake.hosts.find((h) => h.name === task.host)?.address as string;
        const answer = await fetch(`http://${address}:${task.port}/version`).catch(() => undefined);
        return answer ? (await answer.text()).trim() : 'no answer';
      }),
    );
  };

  const rollingUpdate = async (tag: string): Promise<RolloutView> => {
    const started = await orchestrator.request<RolloutView>('POST', `/v1/envs/${ENV}/jobs/web/rolling-update`, {
      ...change(),
      tag,
    });
    expect(started.status).toBe(200);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const view = (await orchestrator.request<RolloutView>('GET', `/v1/envs/${ENV}/rollouts/${started.body.id}`)).body;
      if (FINISHED.includes(view.phase)) return view;
      if (Date.now() > deadline) throw new Error(`rollout ${view.id} still ${view.phase} after 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  /** The events of one stream, as the EventStoreDB server holds them. */
  const recorded = async (stream: string): Promise<RecordedEvent[]> => {
    const store = new EventStoreDbStore(server.url);
    try {
      return await store.readStream(stream);
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    await ensureDemoImages();
    server = await startEsdbTestServer();
    fake = await startFakeHosts(2);
    orchestrator = await OrchestratorProcess.start({ store: server.url, observeInterval: '500ms' });
    const hosts = fake.hosts.map((h) => h.spec);
    const text = rolloutJobsFile(ENV, hosts, [
      {
        name: 'web',
        tag: 'v1',
        hosts: hosts.map((h) => h.name),
        replicas: 3,
        port: PORT,
        update: { max_parallel: 3, min_healthy_time: '2500ms', healthy_deadline: '6s' },
      },
    ]);
    const applied = await orchestrator.request<ApplyResponse>('POST', `/v1/envs/${ENV}/apply`, {
      ...change(),
      jobs: { file: 'jobs.yaml', text },
    });
    expect(applied.status).toBe(200);
    const up = await orchestrator.request<UpDownResponse>('POST', `/v1/envs/${ENV}/jobs/web/up`, change());
    expect(up.status).toBe(200);
    await waitFor('every task healthy', async () => {
      const { tasks } = (await orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status?job=web`)).body;
      return tasks.every((task) => task.observed?.health === 'healthy');
    });
  });

  afterAll(async () => {
    await orchestrator?.stop();
    await fake?.stop();
    await server?.stop();
  });

  it('starts three tasks serving v1', async () => {
    expect(await served()).toEqual(Array(3).fill('v1'));
  });

  it('rolls v2 out to every task', async () => {
    const rollout = await rollingUpdate('v2');

    expect(rollout.phase).toBe('succeeded');
    expect(await served()).toEqual(Array(3).fill('v2'));
  });

  it('rolls a crashing version back: every task serves v2 again', async () => {
    const rollout = await rollingUpdate('crash');

    expect(rollout.phase).toBe('rolled-back');
    expect(await served()).toEqual(Array(3).fill('v2'));
    const { tasks } = (await orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status?job=web`)).body;
    expect(tasks.map((t) => [t.desired.revision, t.observed?.revision, t.observed?.state])).toEqual(
      Array(3).fill([2, 2, 'running']),
    );
  });

  it('recorded the job and both rollouts in the EventStoreDB server, in order', async () => {
    const job = (await recorded(`cj.${ENV}.job.web`)).map((event) => event.type);
    expect(job[0]).toBe('JobRegistered');
    expect(job.filter((type) => type === 'JobRevisionCreated')).toHaveLength(2);
    expect(job.filter((type) => type === 'JobRolloutStarted')).toHaveLength(2);
    expect(job.filter((type) => type === 'JobRolloutEnded')).toHaveLength(2);
    expect(job.filter((type) => type === 'ContainerStarted').length).toBeGreaterThanOrEqual(3 * 3);

    const rollouts = (await orchestrator.request<RolloutView[]>('GET', `/v1/envs/${ENV}/rollouts?job=web`)).body;
    expect(rollouts.map((r) => r.phase)).toEqual(['rolled-back', 'succeeded']);
    const [rolledBack, succeeded] = await Promise.all(rollouts.map((r) => recorded(`cj.${ENV}.rollout.${r.id}`)));
    expect(rolledBack.map((e) => e.type)).toEqual(
      expect.arrayContaining(['RolloutStarted', 'RolloutHealthCheckFailed', 'RolloutRolledBack']),
    );
    expect(succeeded.map((e) => e.type)).toEqual(expect.arrayContaining(['RolloutStarted', 'RolloutSucceeded']));
    expect(rolledBack.every((e, i) => e.revision === BigInt(i))).toBe(true);
  });

  it('stops on SIGTERM with exit 0, closing its subscriptions to the server', async () => {
    expect(await orchestrator.stop()).toBe(0);
    expect(orchestrator.log).toContain('"msg":"stopped"');
  });
});
