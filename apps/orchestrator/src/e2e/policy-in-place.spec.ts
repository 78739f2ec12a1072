/**
 * A change of policy only, end to end: the built orchestrator and `cj`, two fake Docker hosts and
 * the demo images. Changing `update.min_healthy_time` records a revision that is current at once
 * and replaces no container; a change of what the containers are made from still rolls out.
 */
import { DockerRuntime } from '@cj/docker-adapter';
import type { ContainerInfo } from '@cj/domain';
import type { ApplyResponse, HistoryResponse, RolloutView, StatusResponse } from '@cj/api';
import { ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the real `cj` binary is what an operator runs; its test runner is the CLI's test-only helper
import { runCj } from '../../../cli/src/testing/cli';
import { rolloutJobsFile } from '../rollouts/testing/rollout-jobs-file';
import { OrchestratorProcess } from '../testing';

jest.setTimeout(600_000);

const ENV = 'inplace';
const PORT = 18880;
const REPLICAS = 4;

describe('a change of policy only lands in place; a change of the containers rolls out', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;
  let runtimes: DockerRuntime[];
  let jobsFile: string;

  const cj = (...args: string[]) => runCj(args, { url: orchestrator.url, env: ENV, timeoutMs: 300_000 });
  const writeJobs = (tag: string, minHealthyTime: string) =>
    writeFileSync(
      jobsFile,
      rolloutJobsFile(
        ENV,
        fake.hosts.map((h) => h.spec),
        [
          {
            name: 'web',
            tag,
            hosts: fake.hosts.map((h) => h.name),
            replicas: REPLICAS,
            port: PORT,
            update: { min_healthy_time: minHealthyTime, healthy_deadline: '60s' },
          },
        ],
      ),
    );
  const status = async (): Promise<StatusResponse> =>
    JSON.parse((await cj('status', 'web', '--json')).stdout) as StatusResponse;
  const history = async (): Promise<HistoryResponse> =>
    (await orchestrator.request<HistoryResponse>('GET', `/v1/envs/${ENV}/jobs/web/history`)).body;
  const containers = async (): Promise<ContainerInfo[]> =>
    (await Promise.all(runtimes.map((r) => r.list({ env: ENV, job: 'web' })))).flat();
  const running = async (): Promise<string[]> =>
    (await containers())
      .filter((c) => c.state === 'running')
      .map((c) => c.id)
      .sort();
  /** Per task: desired revision, the revision that made its container, whether that container is up to date, its state. */
  const tasks = async () =>
    (await status()).tasks.map((t) => [
      t.desired.revision,
      t.observed?.revision,
      t.observed?.upToDate,
      t.observed?.state,
    ]);

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(2);
    runtimes = fake.hosts.map((h) => new DockerRuntime(h.spec));
    orchestrator = await OrchestratorProcess.start({ observeInterval: '500ms' });
    jobsFile = join(orchestrator.dir, 'jobs.yaml');
    writeJobs('v1', '500ms');
    expect((await cj('apply', jobsFile, '--yes')).code).toBe(0);
    expect((await cj('up', 'web')).code).toBe(0);
  });

  afterAll(async () => {
    await orchestrator?.stop();
    await fake?.stop();
  });

  it('records a change of min_healthy_time as a revision current at once: the same containers run, status and diff see no difference', async () => {
    const before = await running();
    expect(before).toHaveLength(REPLICAS);

    writeJobs('v1', '2s');
    const plan = await cj('apply', jobsFile, '--dry-run');
    expect(plan.stdout).toContain('~ web (policy only: in place, no container replaced)');
    expect(plan.stdout).toContain('update.minHealthyTime: 500 → 2000  (policy only)');
    const applied = await cj('apply', jobsFile, '--yes', '--json');

    expect(applied.code).toBe(0);
    expect((JSON.parse(applied.stdout) as ApplyResponse).plan).toEqual([
      {
        job: 'web',
        action: 'update',
        changes: [{ path: 'update.minHealthyTime', before: 500, after: 2000, kind: 'policy' }],
        inPlace: true,
        revision: 2,
      },
    ]);
    const recorded = await history();
    expect(recorded.revisions.map((r) => r.revision).sort()).toEqual([1, 2]);
    expect(recorded.current).toBe(2);
    expect((await cj('history', 'web')).stdout).toMatch(/^r2 \*/m);
    expect(await tasks()).toEqual(Array(REPLICAS).fill([2, 1, true, 'running']));
    const shown = await cj('status', 'web');
    expect(shown.stdout).toMatch(/running r2$/m);
    expect(shown.stdout).not.toContain('(differs)');
    expect((await cj('diff', jobsFile)).code).toBe(0);
    expect(JSON.parse((await cj('rollout', 'list', '--json')).stdout)).toEqual([]);
    // Observation looks at the hosts every 500 ms meanwhile: still the same containers.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await running()).toEqual(before);
  });

  it('rolls out a change of image from that revision: new containers, every task on the new revision', async () => {
    const before = await running();

    writeJobs('v2', '2s');
    const applied = await cj('apply', jobsFile, '--yes', '--json');

    expect(applied.code).toBe(0);
    const [entry] = (JSON.parse(applied.stdout) as ApplyResponse).plan;
    expect(entry).toMatchObject({ job: 'web', action: 'update', revision: 3, rolloutId: expect.any(String) });
    expect(entry.changes.map((c) => `${c.path} ${c.kind}`)).toEqual(['image.tag container', 'image.digest container']);
    expect(entry.inPlace).toBeUndefined();
    const waited = await cj('rollout', 'status', entry.rolloutId as string, '--wait');
    expect({ code: waited.code, said: `${waited.stdout}${waited.stderr}` }).toMatchObject({ code: 0 });
    expect(
      (await orchestrator.request<RolloutView>('GET', `/v1/envs/${ENV}/rollouts/${entry.rolloutId}`)).body,
    ).toMatchObject({ phase: 'succeeded', fromRevision: 2, toRevision: 3 });
    const after = await running();
    expect(after).toHaveLength(REPLICAS);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
    expect(await tasks()).toEqual(Array(REPLICAS).fill([3, 3, true, 'running']));
    expect((await history()).current).toBe(3);
  });
});
