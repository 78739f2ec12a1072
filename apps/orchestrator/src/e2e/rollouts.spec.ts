/**
 * Rollouts end to end: the built orchestrator on a temp store, the built `cj`, three fake Docker
 * hosts and the demo images in the local registry. Six replicas of `web` over three hosts.
 */
import { DockerRuntime } from '@cj/docker-adapter';
import type { ContainerInfo } from '@cj/domain';
import type { ApiProblem, ApplyResponse, AuditEntry, HistoryResponse, RolloutView } from '@cj/api';
import type { FakeHosts } from '@cj/docker-adapter/testing';
import { randomUUID } from 'node:crypto';
import { WebJobCluster } from '../rollouts/testing/web-job-cluster';
import type { OrchestratorProcess } from '../testing';

jest.setTimeout(180_000);

const ENV = 'ro';
const PORT = 18380;
// The demo's gate: 1 s min healthy time, which the crash image (exits 2 s after its start) passes;
// a healthy deadline far beyond how long finding a broken image may take.
const HEALTHY_DEADLINE_MS = 30_000;
const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });

describe('rollouts through the orchestrator and cj, on three fake hosts', () => {
  let cluster: WebJobCluster;
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;
  let runtimes: DockerRuntime[];
  let jobsFile: string;

  const cj = (...args: string[]) => cluster.cj(...args);
  const writeJobs = (tag: string) => cluster.writeJobs(tag);
  const status = () => cluster.status();
  const served = () => cluster.served();

  const containers = async (): Promise<ContainerInfo[]> =>
    (await Promise.all(runtimes.map((r) => r.list({ env: ENV, job: 'web' })))).flat();

  /** One running container per task, and no more stopped ones than the policy keeps (keep_replaced: 1). */
  const expectTidyHosts = async (revision: number) => {
    const all = await containers();
    for (let task = 0; task < 6; task++) {
      const mine = all.filter((c) => c.task === task);
      expect(mine.filter((c) => c.state === 'running').map((c) => c.revision)).toEqual([revision]);
      expect(mine.length).toBeLessThanOrEqual(2);
    }
  };

  beforeAll(async () => {
    cluster = await WebJobCluster.start({
      env: ENV,
      hosts: 3,
      replicas: 6,
      port: PORT,
      update: { min_healthy_time: '1s', healthy_deadline: `${HEALTHY_DEADLINE_MS}ms` },
      cjTimeoutMs: 120_000,
    });
    ({ fake, orchestrator, jobsFile } = cluster);
    runtimes = fake.hosts.map((h) => new DockerRuntime(h.spec));
  });

  afterAll(() => cluster?.stop());

  it('starts with six tasks serving v1', async () => {
    expect(await served()).toEqual(Array(6).fill('v1'));
  });

  it.each([
    // Passes its 1 s gate, then exits: the next batch boundary finds it.
    ['crash', /rolled back: task \d+ on h\d+ failed: container exited \(exit code 3\) after it passed its health gate/],
    // Its /health is 404 and its image's HEALTHCHECK turns unhealthy after 2–3 s: the gate fails then, not at the deadline.
    [
      'unhealthy',
      /rolled back: task \d+ on h\d+ failed: container unhealthy by its image's Docker HEALTHCHECK, \d+(\.\d+)?s after it was started/,
    ],
  ])(
    'rolls --tag %s back automatically, well before the healthy deadline: exit 3, and every task serves v1 again',
    async (tag, reason) => {
      const began = Date.now();
      const result = await cj('rolling-update', 'web', '--tag', tag);
      const took = Date.now() - began;

      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(reason);
      expect(took).toBeLessThan(HEALTHY_DEADLINE_MS / 2);
      expect(await served()).toEqual(Array(6).fill('v1'));
      const { tasks } = await status();
      expect(tasks.map((t) => [t.desired.revision, t.observed?.revision, t.observed?.state])).toEqual(
        Array(6).fill([1, 1, 'running']),
      );
      await expectTidyHosts(1);
    },
  );

  it('rolls --tag v2 out: exit 0, every task serves v2, and status shows it at once', async () => {
    const result = await cj('rolling-update', 'web', '--tag', 'v2');

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/succeeded: web is at r4/);
    const { tasks } = await status();
    expect(tasks.map((t) => [t.desired.revision, t.observed?.revision, t.observed?.state])).toEqual(
      Array(6).fill([4, 4, 'running']),
    );
    expect(await served()).toEqual(Array(6).fill('v2'));
    await expectTidyHosts(4);
  });

  it('refuses a second rollout of the job while one runs (409 naming it); pause holds it, resume finishes it', async () => {
    const first = await orchestrator.request<RolloutView>('POST', `/v1/envs/${ENV}/jobs/web/rolling-update`, {
      ...change(),
      tag: 'v1',
      maxParallel: 1,
    });
    expect(first.status).toBe(200);
    const second = await orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/jobs/web/rollback`, change());
    expect(second.status).toBe(409);
    expect(second.contentType).toContain('application/problem+json');
    expect(second.body.detail).toContain(first.body.id);

    const paused = await cj('rollout', 'pause', first.body.id, '--json');
    expect(paused.code).toBe(0);
    expect((JSON.parse(paused.stdout) as RolloutView).phase).toBe('paused');
    // In-flight tasks finish; no new batch starts while paused.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const held = (await orchestrator.request<RolloutView>('GET', `/v1/envs/${ENV}/rollouts/${first.body.id}`)).body;
    expect(held.phase).toBe('paused');
    expect(held.tasks.filter((t) => t.phase === 'pending').length).toBeGreaterThanOrEqual(4);

    expect((await cj('rollout', 'resume', first.body.id)).code).toBe(0);
    expect((await cj('rollout', 'status', first.body.id, '--wait')).code).toBe(0);
    expect(await served()).toEqual(Array(6).fill('v1'));
  });

  it('rolls back to the previous good revision without recording a new one', async () => {
    const before = (await orchestrator.request<HistoryResponse>('GET', `/v1/envs/${ENV}/jobs/web/history`)).body;

    const result = await cj('rollback', 'web');

    expect(result.code).toBe(0);
    expect(await served()).toEqual(Array(6).fill('v2'));
    const after = (await orchestrator.request<HistoryResponse>('GET', `/v1/envs/${ENV}/jobs/web/history`)).body;
    expect(after.revisions.length).toBe(before.revisions.length);
    expect(after.current).toBe(4);
    await expectTidyHosts(4);
  });

  it('rolls out a changed running job on apply', async () => {
    writeJobs('v1');
    const applied = await cj('apply', jobsFile, '--yes', '--json');
    expect(applied.code).toBe(0);
    const [entry] = (JSON.parse(applied.stdout) as ApplyResponse).plan;
    expect(entry).toMatchObject({ job: 'web', action: 'update', rolloutId: expect.any(String) });

    expect((await cj('rollout', 'status', entry.rolloutId as string, '--wait')).code).toBe(0);
    expect(await served()).toEqual(Array(6).fill('v1'));
  });

  it('lists the rollouts newest first and shows them in the audit log of the job', async () => {
    const list = JSON.parse((await cj('rollout', 'list', '--job', 'web', '--json')).stdout) as RolloutView[];
    expect(list.map((r) => r.phase)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
      'rolled-back',
      'rolled-back',
    ]);

    const audit = JSON.parse(
      (await cj('audit', '--job', 'web', '--all', '--limit', '10000', '--json')).stdout,
    ) as AuditEntry[];
    const types = new Set(audit.map((e) => e.type));
    for (const type of [
      'JobRolloutStarted',
      'JobRolloutEnded',
      'RolloutStarted',
      'ContainerStopRequested',
      'RolloutContainerStarted',
      'RolloutHealthCheckFailed',
      'UpdatedTaskChecked',
      'RolloutRolledBack',
      'RolloutSucceeded',
    ]) {
      expect(types).toContain(type);
    }
    expect(audit.find((e) => e.type === 'JobRolloutEnded')?.summary).toMatch(/rolloutId=.* status=/);
  });

  it('refuses a tag the registry lacks, naming the job and the tags it has, recording nothing', async () => {
    const before = (await cj('history', 'web', '--json')).stdout;
    const rollouts = (await cj('rollout', 'list', '--json')).stdout;

    const result = await cj('rolling-update', 'web', '--tag', 'v9');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'job "web": image 127.77.0.1:5000/cj-demo:v9 is not in the registry (repository cj-demo has no tag v9)',
    );
    expect(result.stderr).toMatch(/hint: .*tags of cj-demo: .*v1.*v2/);
    expect((await cj('history', 'web', '--json')).stdout).toBe(before);
    expect((await cj('rollout', 'list', '--json')).stdout).toBe(rollouts);
  });
});
