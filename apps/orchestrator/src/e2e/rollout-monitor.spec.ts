/**
 * The monitor window end to end: the built orchestrator, the built `cj`, two fake Docker hosts and
 * the demo images. Two replicas updated two at a time, so the only batch is the final one, whose
 * boundary check comes right after its gate: only the monitor window can catch a later crash.
 */
import type { ApiProblem, AuditEntry, RolloutView, StatusResponse } from '@cj/api';
import { ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the real `cj` binary is what an operator runs; its test runner is the CLI's test-only helper
import { runCj } from '../../../cli/src/testing/cli';
import { rolloutJobsFile } from '../rollouts/testing/rollout-jobs-file';
import { OrchestratorProcess } from '../testing';

jest.setTimeout(120_000);

const ENV = 'mon';
const PORT = 18680;
// cj-demo:crash exits 2 s after its start. A 500 ms gate passes well before that, and so does the
// boundary check right after it; a 3 s window is still open when the container exits.
const UPDATE = { max_parallel: 2, min_healthy_time: '500ms', healthy_deadline: '4s' };

describe('the monitor window, through the orchestrator and cj, on two fake hosts', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;
  let jobsFile: string;

  const cj = (...args: string[]) => runCj(args, { url: orchestrator.url, env: ENV, timeoutMs: 60_000 });
  const writeJobs = (tag: string, update: Record<string, string | number> = {}) =>
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
            replicas: 2,
            port: PORT,
            update: { ...UPDATE, ...update },
          },
        ],
      ),
    );

  /** What each task answers on /version, in task order. */
  const served = async (): Promise<string[]> => {
    const { tasks } = JSON.parse((await cj('status', 'web', '--json')).stdout) as StatusResponse;
    return Promise.all(
      tasks.map(async (task) => {
        const address = fake.hosts.find((h) => h.name === task.host)?.address as string;
        const answer = await fetch(`http://${address}:${task.port}/version`).catch(() => undefined);
        return answer ? (await answer.text()).trim() : 'no answer';
      }),
    );
  };

  /** The events of the job's latest rollout, oldest first. */
  const latestRollout = async (): Promise<AuditEntry[]> => {
    const [latest] = JSON.parse((await cj('rollout', 'list', '--job', 'web', '--json')).stdout) as RolloutView[];
    const audit = JSON.parse(
      (await cj('audit', '--job', 'web', '--all', '--limit', '10000', '--json')).stdout,
    ) as AuditEntry[];
    return audit.filter((e) => e.stream.endsWith(`.rollout.${latest.id}`));
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

  it('rolls --tag crash --monitor 3s back: the crash after the gate is caught in the window, exit 3, and v1 serves again', async () => {
    const result = await cj('rolling-update', 'web', '--tag', 'crash', '--monitor', '3s');

    expect(result.code).toBe(3);
    // The exit is what a check after a failed probe sees; a process killed mid-answer can reset the
    // probe's connection a moment before its engine records the exit, and then that is the evidence.
    expect(result.stderr).toMatch(
      /rolled back: task \d on h\d+ failed: (container exited \(exit code 3\)|its health check failed \(last: GET http:\S+: (ECONNRESET|ECONNREFUSED|socket hang up)[^)]*\)) during the monitor window, \d+(\.\d+)?s after it opened/,
    );
    expect(await served()).toEqual(['v1', 'v1']);
    // Both tasks passed their gate and the last boundary check: only the window caught the crash.
    const types = (await latestRollout()).map((e) => e.type);
    expect(types.filter((t) => t === 'TaskUpdated')).toHaveLength(2);
    expect(types.indexOf('RolloutMonitoringStarted')).toBeGreaterThan(types.lastIndexOf('UpdatedTaskChecked'));
    expect(types.indexOf('TaskUpdateFailed')).toBeGreaterThan(types.indexOf('RolloutMonitoringStarted'));
    expect(types).toContain('RolloutRolledBack');
  });

  it("takes the window from the jobs file's update.monitor, and succeeds only once it has passed", async () => {
    writeJobs('v2', { monitor: '2s' });
    const applied = await cj('apply', jobsFile, '--yes', '--json');
    expect(applied.code).toBe(0);
    const rolloutId = (JSON.parse(applied.stdout) as { plan: { rolloutId?: string }[] }).plan[0].rolloutId as string;

    expect((await cj('rollout', 'status', rolloutId, '--wait')).code).toBe(0);
    const view = (await orchestrator.request<RolloutView>('GET', `/v1/envs/${ENV}/rollouts/${rolloutId}`)).body;
    expect(view.phase).toBe('succeeded');
    expect(Date.parse(view.endedAt as string)).toBeGreaterThanOrEqual(Date.parse(view.monitorUntil as string));
    expect(await served()).toEqual(['v2', 'v2']);
  });

  it('refuses a monitor window that is not a whole number of milliseconds from 0, naming the field', async () => {
    const answer = await orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/jobs/web/rolling-update`, {
      actor: 'tester@e2e',
      commandId: randomUUID(),
      monitor: -1,
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/monitor must not be less than 0/);
  });
});
