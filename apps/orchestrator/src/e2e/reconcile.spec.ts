/**
 * Desired state is kept: a task meant to run whose container is removed by hand, or stopped by
 * hand (Docker's restart policy leaves a container stopped on purpose alone), is running again
 * within a few observation intervals, with one TaskRestarted saying why and which attempt, and
 * one ContainerStarted. A job with `reconcile: report` only records, and a job brought down by
 * `cj down` stays down.
 */
import Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { openSqliteEventStore } from '@cj/event-store';
import type { AuditEntry, StatusResponse } from '@cj/api';
import { ensureDemoImages, startFakeHosts, waitFor, type FakeHosts } from '@cj/docker-adapter/testing';
import { OrchestratorProcess } from '../testing';

jest.setTimeout(240_000);

const ENV = 'kept';
const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });
/** A few observation intervals (1 s here), generous for a loaded machine: the first restart waits 1 s. */
const FEW_INTERVALS_MS = 30_000;

interface Recorded {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

describe('reconcile restarts dead tasks meant to run', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;
  let docker: Docker;

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(1);
    const [host] = fake.hosts;
    docker = new Docker({ socketPath: host.socketPath });
    orchestrator = await OrchestratorProcess.start({ observeInterval: '1s' });
    const job = (name: string, port: number, extra: string[] = []) => [
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
      'jobs:',
      ...job('removed', 18640),
      ...job('stopped', 18641),
      ...job('reported', 18642, ['reconcile: report']),
      ...job('brought-down', 18643),
      '',
    ].join('\n');
    expect(
      (await orchestrator.request('POST', `/v1/envs/${ENV}/apply`, { ...change(), jobs: { file: 'jobs.yaml', text } }))
        .status,
    ).toBe(200);
    for (const name of ['removed', 'stopped', 'reported', 'brought-down']) {
      expect((await orchestrator.request('POST', `/v1/envs/${ENV}/jobs/${name}/up`, change())).status).toBe(200);
    }
  });

  afterAll(async () => {
    await orchestrator?.stop();
    await fake?.stop();
  });

  const status = async (job: string) => {
    const answer = await orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status?job=${job}`);
    expect(answer.status).toBe(200);
    return answer.body.tasks[0];
  };

  /** The events of a job's stream, read from the store file. */
  async function recorded(job: string): Promise<Recorded[]> {
    const store = openSqliteEventStore(orchestrator.store);
    try {
      return (await store.readStream(`cj.${ENV}.job.${job}`)).map((event) => ({
        type: event.type,
        data: event.data as Record<string, unknown>,
      }));
    } finally {
      await store.close();
    }
  }
  const types = async (job: string) => (await recorded(job)).map((event) => event.type);
  const ofType = async (job: string, type: string) => (await recorded(job)).filter((event) => event.type === type);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 4_000));

  it('creates a container in place of one removed by hand: running again, one TaskRestarted and one ContainerStarted', async () => {
    const before = (await status('removed')).observed?.containerId as string;
    await docker.getContainer(before).remove({ force: true });

    await waitFor(
      'the task running again in a new container',
      async () => {
        const observed = (await status('removed')).observed;
        return observed?.state === 'running' && observed.containerId !== before;
      },
      FEW_INTERVALS_MS,
    );
    await settle();

    const after = (await status('removed')).observed?.containerId as string;
    expect((await docker.getContainer(after).inspect()).State.Running).toBe(true);
    // The engine's `die` is recorded as an exit unless a resync found the container gone first (then
    // only its removal is): which comes first is the engine's timing, the restart after it is not.
    const seen = await types('removed');
    expect(seen.filter((type) => type !== 'ContainerExited')).toEqual([
      'JobRegistered',
      'ContainerStarted',
      'ContainerRemoved',
      'TaskRestarted',
      'ContainerStarted',
    ]);
    expect(seen.filter((type) => type === 'ContainerExited').length).toBeLessThanOrEqual(1);
    if (seen.includes('ContainerExited'))
      expect(seen.indexOf('ContainerExited')).toBe(seen.indexOf('ContainerRemoved') - 1);
    const [restarted] = await ofType('removed', 'TaskRestarted');
    expect(restarted.data).toEqual({
      job: 'removed',
      task: 0,
      host: fake.hosts[0].name,
      containerId: after,
      revision: 1,
      cause: 'removed',
      reason: `container ${before.slice(0, 12)} is gone from host ${fake.hosts[0].name}`,
      attempt: 1,
    });
  });

  it('starts a container stopped by hand again: the same container, one TaskRestarted and one ContainerStarted', async () => {
    const id = (await status('stopped')).observed?.containerId as string;
    await docker.getContainer(id).stop({ t: 1 });

    await waitFor(
      'ContainerExited recorded',
      async () => (await ofType('stopped', 'ContainerExited')).length > 0,
      FEW_INTERVALS_MS,
    );
    await waitFor(
      'the task running again',
      async () => (await status('stopped')).observed?.state === 'running',
      FEW_INTERVALS_MS,
    );
    await settle();

    expect((await docker.getContainer(id).inspect()).State.Running).toBe(true);
    expect((await status('stopped')).observed?.containerId).toBe(id);
    expect(await types('stopped')).toEqual([
      'JobRegistered',
      'ContainerStarted',
      'ContainerExited',
      'TaskRestarted',
      'ContainerStarted',
    ]);
    const [restarted] = await ofType('stopped', 'TaskRestarted');
    expect(restarted.data).toMatchObject({
      containerId: id,
      cause: 'exited',
      attempt: 1,
      reason: expect.stringMatching(new RegExp(`^container ${id.slice(0, 12)} exited with code \\d+$`)),
    });
  });

  it('shows the restart in the audit log, by the orchestrator, with its attempt and reason', async () => {
    const audit = (
      await orchestrator.request<AuditEntry[]>('GET', `/v1/envs/${ENV}/audit?job=stopped&type=TaskRestarted`)
    ).body;

    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'orchestrator',
      task: 0,
      summary: expect.stringMatching(
        /^task restarted by reconcile \(attempt 1\): .*reason=container [0-9a-f]{12} exited with code/,
      ),
    });
  });

  it('only records with reconcile: report: the stopped container stays stopped', async () => {
    const id = (await status('reported')).observed?.containerId as string;
    await docker.getContainer(id).stop({ t: 1 });
    await waitFor(
      'ContainerExited recorded',
      async () => (await ofType('reported', 'ContainerExited')).length > 0,
      FEW_INTERVALS_MS,
    );
    await settle();

    expect(await types('reported')).toEqual(['JobRegistered', 'ContainerStarted', 'ContainerExited']);
    expect((await docker.getContainer(id).inspect()).State.Running).toBe(false);
    expect((await status('reported')).observed?.state).toBe('exited');
  });

  it('leaves a job brought down with cj down down', async () => {
    expect((await orchestrator.request('POST', `/v1/envs/${ENV}/jobs/brought-down/down`, change())).status).toBe(200);
    await settle();

    expect(await types('brought-down')).toEqual([
      'JobRegistered',
      'ContainerStarted',
      'JobStopped',
      'ContainerStopped',
      'ContainerRemoved',
    ]);
    expect(
      await docker.listContainers({ all: true, filters: { label: [`cj.env=${ENV}`, 'cj.job=brought-down'] } }),
    ).toEqual([]);
    expect((await status('brought-down')).desired.state).toBe('stopped');
  });
});
