import Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { openSqliteEventStore } from '@cj/event-store';
import type { ApplyResponse, AuditEntry, HostView, RolloutView, UpDownResponse } from '@cj/api';
import { ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import { demoJobsFile, OrchestratorProcess, waitUntil } from '../testing';

jest.setTimeout(90_000);

const ENV = 'retire';
const PORT = 18310;
const change = (reason?: string) => ({ actor: 'tester@e2e', commandId: randomUUID(), ...(reason && { reason }) });

describe('a host the jobs file drops is retired once nothing of cj runs there', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;

  const apply = async (text: string) => {
    const answer = await orchestrator.request<ApplyResponse>('POST', `/v1/envs/${ENV}/apply`, {
      ...change('hosts change'),
      jobs: { file: 'jobs.yaml', text },
    });
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const hostNames = async () =>
    (await orchestrator.request<HostView[]>('GET', `/v1/envs/${ENV}/hosts`)).body.map((host) => host.name);

  /** Every event of the environment as stored, read straight from the SQLite file (a second reader is fine). */
  async function events(): Promise<{ stream: string; type: string; actor?: string }[]> {
    const store = openSqliteEventStore(orchestrator.store);
    try {
      return (await store.readAll()).map((event) => ({
        stream: event.streamId,
        type: event.type,
        actor: (event.metadata as { actor?: string }).actor,
      }));
    } finally {
      await store.close();
    }
  }

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(3);
    orchestrator = await OrchestratorProcess.start({ observeInterval: '300ms' });
  });

  afterAll(async () => {
    await orchestrator?.stop();
    await fake?.stop();
  });

  it('keeps a host that still runs a task, retires one that never ran anything, and retires the first once its task stopped', async () => {
    const [h1, h2, h3] = fake.hosts;
    const everywhere = demoJobsFile(
      ENV,
      [h1.spec, h2.spec, h3.spec],
      [{ name: 'web', tag: 'v1', hosts: [h1.name, h2.name], port: PORT }],
    );
    // Only h1 remains, and web runs one task there.
    const onlyH1 = demoJobsFile(
      ENV,
      [h1.spec],
      [{ name: 'web', tag: 'v1', hosts: [h1.name], port: PORT, envs: { GREETING: 'one' } }],
    );

    expect(await apply(everywhere)).not.toHaveProperty('droppedHosts');
    const up = await orchestrator.request<UpDownResponse>('POST', `/v1/envs/${ENV}/jobs/web/up`, change());
    expect(up.body.tasks.map((task) => [task.host, task.action])).toEqual([
      [h1.name, 'started'],
      [h2.name, 'started'],
    ]);
    const onH2 = up.body.tasks[1].containerId as string;

    const dry = await orchestrator.request<ApplyResponse>('POST', `/v1/envs/${ENV}/apply`, {
      ...change(),
      jobs: { file: 'jobs.yaml', text: onlyH1 },
      dryRun: true,
    });
    expect(dry.body.droppedHosts).toEqual([
      { host: h2.name, action: 'keep', holds: [{ kind: 'task', job: 'web', task: 1, containerId: onH2 }] },
      { host: h3.name, action: 'retire', holds: [] },
    ]);
    expect(await hostNames()).toEqual([h1.name, h2.name, h3.name]);

    const dropped = await apply(onlyH1);
    const rolloutId = dropped.plan[0].rolloutId as string;
    expect(rolloutId).toBeDefined();
    // web's spec changed while it runs, so a rollout began: until it ends, its rollback could start containers on h2 again.
    expect(dropped.droppedHosts).toEqual([
      {
        host: h2.name,
        action: 'keep',
        holds: [
          { kind: 'task', job: 'web', task: 1, containerId: onH2 },
          { kind: 'rollout', job: 'web', rolloutId },
        ],
      },
      { host: h3.name, action: 'retire', holds: [] },
    ]);
    expect(await hostNames()).toEqual([h1.name, h2.name]);

    const ended = await waitUntil(
      () => orchestrator.request<RolloutView>('GET', `/v1/envs/${ENV}/rollouts/${rolloutId}`),
      (answer) => answer.body.phase !== 'running',
      60_000,
    );
    expect(ended.body.phase).toBe('succeeded');
    // The rollout removed task 1's container on h2 as a leftover: the new revision has no task 1.
    await expect(new Docker({ socketPath: h2.socketPath }).getContainer(onH2).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });

    // Once the removal is recorded and the rollout has ended on the job's stream, a dry run says so.
    await waitUntil(
      () =>
        orchestrator.request<ApplyResponse>('POST', `/v1/envs/${ENV}/apply`, {
          ...change(),
          jobs: { file: 'jobs.yaml', text: onlyH1 },
          dryRun: true,
        }),
      (answer) => answer.body.droppedHosts?.[0]?.action === 'retire',
    );
    const retired = await apply(onlyH1);
    expect(retired.droppedHosts).toEqual([{ host: h2.name, action: 'retire', holds: [] }]);
    expect(await hostNames()).toEqual([h1.name]);
    const audit = await orchestrator.request<AuditEntry[]>('GET', `/v1/envs/${ENV}/audit?limit=1000`);
    const retirements = audit.body.filter((entry) => entry.type === 'HostRetired');
    expect(retirements.map((entry) => entry.summary).sort()).toEqual(
      [h2, h3]
        .map((host) => `host retired (was ${host.endpoint}): host=${host.name} reason=dropped-from-jobs-file`)
        .sort(),
    );
    expect(retirements.every((entry) => entry.actor === 'tester@e2e' && entry.reason === 'hosts change')).toBe(true);

    const before = (await events()).filter((event) => event.actor !== 'orchestrator').length;
    expect(await apply(onlyH1)).not.toHaveProperty('droppedHosts');
    expect((await events()).filter((event) => event.actor !== 'orchestrator').length).toBe(before);

    // The observation loop no longer looks at a retired host: nothing more is written to its stream.
    const stream = `cj.${ENV}.host.${h2.name}`;
    const recorded = (await events()).filter((event) => event.stream === stream).length;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const h2Events = (await events()).filter((event) => event.stream === stream);
    expect(h2Events).toHaveLength(recorded);
    expect(h2Events[h2Events.length - 1].type).toBe('HostRetired');
    // Nor do the metrics report it any longer.
    const metrics = await (await fetch(`${orchestrator.url}/metrics`)).text();
    expect(metrics).toContain(`cj_host_reachable{env="${ENV}",host="${h1.name}"} 1`);
    expect(metrics).not.toContain(`host="${h2.name}"`);
  });

  it('declares a retired host anew when a later file names it again', async () => {
    const [h1, h2] = fake.hosts;
    const back = demoJobsFile(
      ENV,
      [h1.spec, h2.spec],
      [{ name: 'web', tag: 'v1', hosts: [h1.name], port: PORT, envs: { GREETING: 'one' } }],
    );

    expect(await apply(back)).not.toHaveProperty('droppedHosts');
    const hosts = await waitUntil(
      () => orchestrator.request<HostView[]>('GET', `/v1/envs/${ENV}/hosts`),
      (answer) => answer.body.find((host) => host.name === h2.name)?.lastSeen !== undefined,
    );
    expect(hosts.body.map((host) => [host.name, host.reachable])).toEqual([
      [h1.name, true],
      [h2.name, true],
    ]);
    const declared = (await events()).filter(
      (event) => event.stream === `cj.${ENV}.host.${h2.name}` && event.type === 'HostDeclared',
    );
    expect(declared).toHaveLength(2);
  });
});
