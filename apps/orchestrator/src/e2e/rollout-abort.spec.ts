/**
 * Abort end to end: the built orchestrator, the built `cj`, two fake Docker hosts and the demo
 * images. The job's gate is the longest the jobs file allows (durations stop at 24 h), so no task
 * ever passes it while the test runs: only the abort can end the rollout, and it must within 10 s.
 */
import type { AuditEntry, HistoryResponse, RolloutView, StatusResponse } from '@cj/api';
import { ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the real `cj` binary is what an operator runs; its test runner is the CLI's test-only helper
import { runCj } from '../../../cli/src/testing/cli';
import { rolloutJobsFile } from '../rollouts/testing/rollout-jobs-file';
import { OrchestratorProcess, waitUntil } from '../testing';

jest.setTimeout(300_000);

const ENV = 'abort';
const PORT = 18760;
// One task at a time, each held by a 24 h gate; the progress deadline as long, so that nothing but the abort ends the rollout.
const LONG_GATE = { max_parallel: 1, min_healthy_time: '24h', healthy_deadline: '24h', progress_deadline: '24h' };
const ENDS_WITHIN_MS = 10_000;
const TERMINAL = ['succeeded', 'rolled-back', 'failed', 'aborted'];

describe('abort ends a rollout within seconds whatever its gate, through the orchestrator and cj, on two fake hosts', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;
  let jobsFile: string;

  const cj = (...args: string[]) => runCj(args, { url: orchestrator.url, env: ENV, timeoutMs: 120_000 });
  const writeJobs = (tag: string) =>
    writeFileSync(
      jobsFile,
      rolloutJobsFile(
        ENV,
        fake.hosts.map((h) => h.spec),
        [{ name: 'web', tag, hosts: fake.hosts.map((h) => h.name), replicas: 2, port: PORT, update: LONG_GATE }],
      ),
    );

  const view = async (id: string): Promise<RolloutView> =>
    (await orchestrator.request<RolloutView>('GET', `/v1/envs/${ENV}/rollouts/${id}`)).body;
  const status = async (): Promise<StatusResponse> =>
    JSON.parse((await cj('status', 'web', '--json')).stdout) as StatusResponse;

  /** What each task answers on /version, in task order. */
  const served = async (): Promise<string[]> => {
    const { tasks } = await status();
    return Promise.all(
      tasks.map(async (task) => {
        const address = fake.hosts.find((h) => h.name === task.host)?.address as string;
        const answer = await fetch(`http://${address}:${task.port}/version`).catch(() => undefined);
        return answer ? (await answer.text()).trim() : 'no answer';
      }),
    );
  };

  const rollingUpdate = async (tag: string): Promise<string> => {
    const answer = await orchestrator.request<RolloutView>('POST', `/v1/envs/${ENV}/jobs/web/rolling-update`, {
      actor: 'tester@e2e',
      commandId: randomUUID(),
      tag,
    });
    expect(answer.status).toBe(200);
    return answer.body.id;
  };

  /** The rollout once it has ended; the test's expectations say what was wrong if it has not. */
  const ended = (id: string): Promise<RolloutView> =>
    waitUntil(
      () => view(id),
      (v) => TERMINAL.includes(v.phase),
      120_000,
    );

  /** How long after the abort was recorded the rollout ended, by the times the log recorded. */
  const abortTook = async (id: string): Promise<number> => {
    const audit = JSON.parse(
      (await cj('audit', '--job', 'web', '--all', '--limit', '10000', '--json')).stdout,
    ) as AuditEntry[];
    const requested = audit.find((e) => e.stream.endsWith(`.rollout.${id}`) && e.type === 'RolloutAbortRequested');
    expect(requested).toBeDefined();
    return Date.parse((await view(id)).endedAt as string) - Date.parse((requested as AuditEntry).at);
  };

  /** Every task desired on `revision`, running it, with `cj status` marking nothing as differing. */
  const expectOnRevision = async (revision: number) => {
    const text = await waitUntil(
      async () => (await cj('status', 'web')).stdout,
      (out) => !out.includes('(differs)'),
      30_000,
    );
    expect(text).not.toContain('(differs)');
    const { tasks } = await status();
    expect(tasks.map((t) => [t.desired.revision, t.observed?.revision, t.observed?.state])).toEqual(
      Array(2).fill([revision, revision, 'running']),
    );
  };

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(2);
    orchestrator = await OrchestratorProcess.start({ observeInterval: '500ms' });
    jobsFile = join(orchestrator.dir, 'jobs.yaml');
    writeJobs('v1');
    expect((await cj('apply', jobsFile, '--yes')).code).toBe(0);
    expect((await cj('up', 'web')).code).toBe(0);
    expect(await served()).toEqual(['v1', 'v1']);
  });

  afterAll(async () => {
    await orchestrator?.stop();
    await fake?.stop();
  });

  it('aborts a task in its 24 h gate: ended within 10 s, every task on the old revision, which is the job’s again', async () => {
    const id = await rollingUpdate('v2');
    const gated = await waitUntil(
      () => view(id),
      (v) => v.tasks.some((t) => t.phase === 'updating' && t.health === 'healthy'),
      120_000,
    );
    expect(gated.tasks.map((t) => t.phase).sort()).toEqual(['pending', 'updating']);

    const abort = await cj('rollout', 'abort', id, '--reason', 'wrong tag');
    expect(abort.code).toBe(0);
    expect(abort.stdout).toBe(`rollout ${id} abort requested: now aborting\n`);

    const end = await ended(id);
    expect(end.phase).toBe('aborted');
    expect(end.reason).toBe('wrong tag');
    expect(await abortTook(id)).toBeLessThan(ENDS_WITHIN_MS);
    expect(end.tasks.map((t) => t.phase).sort()).toEqual(['pending', 'reverted']);
    expect(await served()).toEqual(['v1', 'v1']);
    await expectOnRevision(1);
    expect((await orchestrator.request<HistoryResponse>('GET', `/v1/envs/${ENV}/jobs/web/history`)).body.current).toBe(
      1,
    );
  });

  it('accepts apply, pause and down once an abort has ended; an abort of the paused rollout ends as quickly', async () => {
    writeJobs('v2');
    const applied = await cj('apply', jobsFile, '--yes', '--json');
    expect(applied.code).toBe(0);
    const id = (JSON.parse(applied.stdout) as { plan: { rolloutId?: string }[] }).plan[0].rolloutId as string;
    await waitUntil(
      () => view(id),
      (v) => v.tasks.some((t) => t.phase === 'updating' && t.health === 'healthy'),
      120_000,
    );

    const paused = await cj('rollout', 'pause', id);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toBe(`rollout ${id} paused: now paused\n`);
    expect((await cj('rollout', 'abort', id)).code).toBe(0);
    const end = await ended(id);
    expect(end.phase).toBe('aborted');
    expect(await abortTook(id)).toBeLessThan(ENDS_WITHIN_MS);
    await expectOnRevision(1);

    expect((await cj('down', 'web')).code).toBe(0);
    expect((await cj('up', 'web')).code).toBe(0);
    writeJobs('v1');
    expect((await cj('apply', jobsFile, '--yes')).code).toBe(0);
    expect(await served()).toEqual(['v1', 'v1']);
  });

  it('aborts a rollout that is rolling back through its 24 h gate: ended within 10 s, every task on the old revision', async () => {
    // cj-demo:crash exits 2 s after its start: the gate fails at once, and the revert's own 24 h gate holds the rollback.
    const id = await rollingUpdate('crash');
    const reverting = await waitUntil(
      () => view(id),
      (v) => v.phase === 'rolling-back' && v.tasks.some((t) => t.phase === 'reverting' && t.health === 'healthy'),
      120_000,
    );
    expect(reverting.phase).toBe('rolling-back');

    const abort = await cj('rollout', 'abort', id);
    expect(abort.code).toBe(0);
    expect(abort.stdout).toMatch(new RegExp(`^rollout ${id} abort requested: now (aborting|aborted)\\n$`));

    const end = await ended(id);
    expect(end.phase).toBe('aborted');
    expect(end.reason).toBe('aborted by an operator');
    expect(await abortTook(id)).toBeLessThan(ENDS_WITHIN_MS);
    expect(await served()).toEqual(['v1', 'v1']);
    const current = (await orchestrator.request<HistoryResponse>('GET', `/v1/envs/${ENV}/jobs/web/history`)).body
      .current as number;
    await expectOnRevision(current);
    expect((await cj('down', 'web')).code).toBe(0);
  });
});
