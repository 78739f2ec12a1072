/**
 * The monitor window end to end: the built orchestrator, the built `cj`, two fake Docker hosts and
 * the demo images. Two replicas updated two at a time, so the only batch is the final one, whose
 * boundary check comes right after its gate: only the monitor window can catch a later crash.
 */
import type { ApiProblem, AuditEntry, RolloutView } from '@cj/api';
import { randomUUID } from 'node:crypto';
import { WebJobCluster } from '../rollouts/testing/web-job-cluster';
import type { OrchestratorProcess } from '../testing';

jest.setTimeout(120_000);

const ENV = 'mon';
const PORT = 18680;
// cj-demo:crash exits 2 s after its start. A 500 ms gate passes well before that, and so does the
// boundary check right after it; a 3 s window is still open when the container exits.
const UPDATE = { max_parallel: 2, min_healthy_time: '500ms', healthy_deadline: '4s' };

describe('the monitor window, through the orchestrator and cj, on two fake hosts', () => {
  let cluster: WebJobCluster;
  let orchestrator: OrchestratorProcess;
  let jobsFile: string;

  const cj = (...args: string[]) => cluster.cj(...args);
  const writeJobs = (tag: string, update: Record<string, string | number> = {}) => cluster.writeJobs(tag, update);
  const served = () => cluster.served();

  /** The events of the job's latest rollout, oldest first. */
  const latestRollout = async (): Promise<AuditEntry[]> => {
    const [latest] = JSON.parse((await cj('rollout', 'list', '--job', 'web', '--json')).stdout) as RolloutView[];
    const audit = JSON.parse(
      (await cj('audit', '--job', 'web', '--all', '--limit', '10000', '--json')).stdout,
    ) as AuditEntry[];
    return audit.filter((e) => e.stream.endsWith(`.rollout.${latest.id}`));
  };

  beforeAll(async () => {
    cluster = await WebJobCluster.start({
      env: ENV,
      hosts: 2,
      replicas: 2,
      port: PORT,
      update: UPDATE,
      cjTimeoutMs: 60_000,
    });
    ({ orchestrator, jobsFile } = cluster);
    expect(await served()).toEqual(['v1', 'v1']);
  });

  afterAll(() => cluster?.stop());

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
