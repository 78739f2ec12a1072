/**
 * Observation follows each engine's event stream: a container killed, OOM-killed, restarted by
 * its restart policy or removed by hand is recorded once, as it happens (the full resync here runs
 * only every 60 s, so nothing below can come from it), with the engine's exit code and time of
 * death and the container's last output. An engine restarted while cj watches: the stream
 * reconnects, the resync records what changed while it was away, nothing twice. And `status`
 * answers from the read model with every host down, marked stale.
 */
import Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openSqliteEventStore } from '@cj/event-store';
import type { HostView, StatusResponse } from '@cj/api';
import { ensureDemoImages, startFakeHosts, waitFor, type FakeHosts } from '@cj/docker-adapter/testing';
import { demoJobsFile, OrchestratorProcess } from '../testing';

jest.setTimeout(180_000);

const ENV = 'watched';
const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });

interface Recorded {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly at: number;
}

describe("observation from the engines' event streams", () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;
  let docker: Docker;

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(1);
    docker = new Docker({ socketPath: fake.hosts[0].socketPath });
    orchestrator = await OrchestratorProcess.start({ observeInterval: '60s', extraArgs: ['--stats-interval', '1s'] });
    const [host] = fake.hosts;
    const job = (name: string, port: number, extra: string[]) => [
      `  - name: ${name}`,
      '    image: cj-demo:v1',
      `    hosts: [${host.name}]`,
      `    port: ${port}`,
      '    health: none',
      ...extra.map((line) => `    ${line}`),
    ];
    const text = [
      `environment: ${ENV}`,
      'registry: 127.77.0.1:5000',
      'hosts:',
      `  ${host.name}: { endpoint: "${host.endpoint}", address: ${host.address} }`,
      'defaults:',
      '  restart: "no"',
      // What is recorded is the subject here: cj restarts no dead task (reconcile.spec.ts has that).
      '  reconcile: report',
      'jobs:',
      ...job('killed', 18610, []),
      ...job('hungry', 18611, [
        'resources: { memory: "8m" }',
        'command: ["/bin/sh", "-c", "echo filling up; x=$(head -c 67108864 /dev/zero | tr \'\\\\0\' a); sleep 60"]',
      ]),
      ...job('crashing', 18612, [
        'restart: on-failure',
        'command: ["/bin/sh", "-c", "echo starting; echo crashing >&2; sleep 0.5; exit 3"]',
      ]),
      ...job('removed', 18613, []),
      ...job('survivor', 18614, ['restart: unless-stopped']),
      ...job('stays-down', 18615, []),
      '',
    ].join('\n');
    const applied = await orchestrator.request('POST', `/v1/envs/${ENV}/apply`, {
      ...change(),
      jobs: { file: 'jobs.yaml', text },
    });
    expect(applied.status).toBe(200);
    for (const name of ['killed', 'removed', 'survivor', 'stays-down']) {
      expect((await orchestrator.request('POST', `/v1/envs/${ENV}/jobs/${name}/up`, change())).status).toBe(200);
    }
    // The stream is connected once the host was first seen (the resync after the connect).
    await waitFor('the host seen', async () => (await hosts()).some((h) => h.lastSeen !== undefined));
  });

  afterAll(async () => {
    await orchestrator?.stop();
    await fake?.stop();
  });

  const hosts = async () => (await orchestrator.request<HostView[]>('GET', `/v1/envs/${ENV}/hosts`)).body;
  const status = async (job?: string) => {
    const answer = await orchestrator.request<StatusResponse>(
      'GET',
      `/v1/envs/${ENV}/status${job ? `?job=${job}` : ''}`,
    );
    expect(answer.status).toBe(200);
    return answer.body;
  };

  /** The events of a job's stream, read from the store file, with when each was recorded. */
  async function recorded(job: string): Promise<Recorded[]> {
    const store = openSqliteEventStore(orchestrator.store);
    try {
      return (await store.readAll())
        .filter((event) => event.streamId === `cj.${ENV}.job.${job}`)
        .map((event) => ({
          type: event.type,
          data: event.data as Record<string, unknown>,
          at: Date.parse((event.metadata as { occurredAt: string }).occurredAt),
        }));
    } finally {
      await store.close();
    }
  }
  const ofType = async (job: string, type: string) => (await recorded(job)).filter((event) => event.type === type);
  const containerOf = async (job: string) => (await status(job)).tasks[0].observed?.containerId as string;

  it("records a killed container's exit at once, with the exit code and Docker's time of death, once", async () => {
    const id = await containerOf('killed');
    const killedAt = Date.now();
    await docker.getContainer(id).kill();
    await waitFor(
      'ContainerExited of the killed container',
      async () => (await ofType('killed', 'ContainerExited')).length > 0,
      1_500,
      25,
    );
    const [exited] = await ofType('killed', 'ContainerExited');
    const finishedAt = Date.parse((await docker.getContainer(id).inspect()).State.FinishedAt);

    expect(exited.data).toMatchObject({ containerId: id, exitCode: 137, oomKilled: false });
    expect(Math.abs(Date.parse(exited.data['exitedAt'] as string) - finishedAt)).toBeLessThan(1_000);
    expect(exited.at - killedAt).toBeLessThan(1_000);
    const [task] = (await status('killed')).tasks;
    expect(task.observed).toMatchObject({ state: 'exited', exitCode: 137 });

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await ofType('killed', 'ContainerExited')).toHaveLength(1);
  });

  it("records an OOM kill as one, with the container's last output", async () => {
    expect((await orchestrator.request('POST', `/v1/envs/${ENV}/jobs/hungry/up`, change())).status).toBe(200);
    await waitFor(
      'ContainerExited of the hungry container',
      async () => (await ofType('hungry', 'ContainerExited')).length > 0,
      20_000,
      50,
    );
    const [exited] = await ofType('hungry', 'ContainerExited');
    const state = (await docker.getContainer(exited.data['containerId'] as string).inspect()).State;

    expect(state.OOMKilled).toBe(true);
    expect(exited.data).toMatchObject({ oomKilled: true, exitCode: state.ExitCode, logTail: ['filling up'] });
    expect(Math.abs(Date.parse(exited.data['exitedAt'] as string) - Date.parse(state.FinishedAt))).toBeLessThan(1_000);
  });

  it('records every exit and every engine restart of a crash-looping container once, and keeps its last output', async () => {
    expect((await orchestrator.request('POST', `/v1/envs/${ENV}/jobs/crashing/up`, change())).status).toBe(200);
    const id = await containerOf('crashing');
    const container = docker.getContainer(id);
    await waitFor(
      'three restarts by the engine',
      async () => (await container.inspect()).RestartCount >= 3,
      30_000,
      50,
    );
    // No more restarts: the container ends exited after the run under way.
    await container.update({ RestartPolicy: { Name: 'no' } });
    await waitFor('the crash loop over', async () => (await container.inspect()).State.Status === 'exited', 10_000, 50);
    const restarts = (await container.inspect()).RestartCount;
    await waitFor(
      'every exit recorded',
      async () => (await ofType('crashing', 'ContainerExited')).length === restarts + 1,
      5_000,
      50,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const events = (await recorded('crashing'))
      .filter((event) => event.type !== 'JobRegistered')
      .map((event) => event.type);
    expect(events).toEqual([
      'ContainerStarted',
      ...Array.from({ length: restarts }, () => ['ContainerExited', 'ContainerRestarted']).flat(),
      'ContainerExited',
    ]);
    expect((await ofType('crashing', 'ContainerRestarted')).map((event) => event.data['count'])).toEqual(
      Array.from({ length: restarts }, (_, i) => i + 1),
    );
    for (const exited of await ofType('crashing', 'ContainerExited')) {
      expect(exited.data).toMatchObject({ exitCode: 3, oomKilled: false });
      expect(exited.data['logTail']).toEqual(expect.arrayContaining(['starting', 'crashing']));
    }
    const last = (await ofType('crashing', 'ContainerExited')).at(-1) as Recorded;
    expect(
      Math.abs(Date.parse(last.data['exitedAt'] as string) - Date.parse((await container.inspect()).State.FinishedAt)),
    ).toBeLessThan(1_000);
  });

  it('records a container removed by hand as exited and removed, once each; the evidence outlives it', async () => {
    const id = await containerOf('removed');
    await docker.getContainer(id).remove({ force: true });
    await waitFor('ContainerRemoved', async () => (await ofType('removed', 'ContainerRemoved')).length > 0, 1_500, 25);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect((await recorded('removed')).map((event) => event.type)).toEqual([
      'JobRegistered',
      'ContainerStarted',
      'ContainerExited',
      'ContainerRemoved',
    ]);
    expect((await status('removed')).tasks[0].observed).toBeUndefined();
  });

  it('samples memory in the background: status shows it with when it was sampled', async () => {
    await waitFor(
      'a memory sample',
      async () => (await status('survivor')).tasks[0].observed?.memoryBytes !== undefined,
      10_000,
    );
    const observed = (await status('survivor')).tasks[0].observed;

    expect(observed?.memoryBytes).toBeGreaterThan(0);
    expect(Date.now() - Date.parse(observed?.statsAt as string)).toBeLessThan(10_000);
    expect(observed?.stale).toBeUndefined();
  });

  it('reconnects after an engine restart; the resync records what changed while it was away, nothing twice', async () => {
    const survivor = await containerOf('survivor');
    const down = await containerOf('stays-down');
    await fake.restartEngine(fake.hosts[0]);
    // unless-stopped comes back with the engine; restart "no" stays exited.
    await waitFor(
      'the survivor running again',
      async () =>
        (await status('survivor')).tasks[0].observed?.state === 'running' &&
        (await ofType('survivor', 'ContainerExited')).length === 1,
      20_000,
    );
    await waitFor(
      'the other one exited',
      async () => (await status('stays-down')).tasks[0].observed?.state === 'exited',
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const survived = (await recorded('survivor')).map(
      (event) => `${event.type} ${String(event.data['containerId']).slice(0, 12)}`,
    );
    expect(survived).toEqual([
      `JobRegistered undefined`,
      ...['ContainerStarted', 'ContainerExited', 'ContainerStarted'].map((type) => `${type} ${survivor.slice(0, 12)}`),
    ]);
    expect(
      (await recorded('stays-down')).map((event) => `${event.type} ${String(event.data['containerId']).slice(0, 12)}`),
    ).toEqual([
      'JobRegistered undefined',
      `ContainerStarted ${down.slice(0, 12)}`,
      `ContainerExited ${down.slice(0, 12)}`,
    ]);
    expect((await docker.getContainer(survivor).inspect()).State.Running).toBe(true);
  });
});

describe('status with every host hanging', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(1);
    orchestrator = await OrchestratorProcess.start({ observeInterval: '500ms', extraArgs: ['--stats-interval', '1s'] });
  });

  /** The fake host's dockerd, frozen by the test (its own process, by pid). */
  let engine: number | undefined;

  afterAll(async () => {
    if (engine !== undefined) process.kill(engine, 'SIGCONT');
    await orchestrator?.stop();
    await fake?.stop();
  });

  it('answers from the read model at once, each task marked stale, with when its host last answered', async () => {
    const [host] = fake.hosts;
    const text = demoJobsFile('dark', [host.spec], [{ name: 'web', tag: 'v1', hosts: [host.name], port: 18620 }]);
    expect(
      (await orchestrator.request('POST', '/v1/envs/dark/apply', { ...change(), jobs: { file: 'jobs.yaml', text } }))
        .status,
    ).toBe(200);
    expect((await orchestrator.request('POST', '/v1/envs/dark/jobs/web/up', change())).status).toBe(200);
    const status = async () =>
      (await orchestrator.request<StatusResponse>('GET', '/v1/envs/dark/status')).body.tasks[0].observed;
    await waitFor('memory sampled', async () => (await status())?.memoryBytes !== undefined);
    expect((await status())?.stale).toBeUndefined();

    // The engine hangs (frozen, as a host whose network went away): a request to it never answers.
    engine = Number(readFileSync(join(dirname(host.socketPath), 'dockerd.pid'), 'utf8'));
    process.kill(engine, 'SIGSTOP');
    await waitFor('the task marked stale', async () => (await status())?.stale === true, 15_000);
    const took: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const observed = await status();
      took.push(performance.now() - started);
      // What was last known, with when: the host last answered at observedAt.
      expect(observed).toMatchObject({
        state: 'running',
        stale: true,
        memoryBytes: expect.any(Number),
        statsAt: expect.any(String),
      });
      expect(Date.now() - Date.parse(observed?.observedAt as string)).toBeGreaterThan(4_000);
    }
    expect(Math.max(...took)).toBeLessThan(200);
    const [seen] = (await orchestrator.request<HostView[]>('GET', '/v1/envs/dark/hosts')).body;
    expect(seen.lastSeen).toBe((await status())?.observedAt);
  });
});
