/**
 * A host that stops answering in the middle of a rollout: the task on it fails with a reason that
 * names the host, and the job's failure action decides the rest (roll back, or pause for a person).
 */
import type { RolloutView } from '@cj/api';
import {
  ensureDemoImages,
  runInfraScript,
  startFakeHosts,
  type FakeHost,
  type FakeHosts,
} from '@cj/docker-adapter/testing';
import { randomUUID } from 'node:crypto';
import { rolloutJobsFile } from '../rollouts/testing/rollout-jobs-file';
import { OrchestratorProcess } from '../testing';

jest.setTimeout(240_000);

const PORT = 18580;
const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });

describe('a host lost mid-rollout', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(6);
    orchestrator = await OrchestratorProcess.start({ observeInterval: '500ms' });
  });

  afterAll(async () => {
    await orchestrator?.stop();
    await fake?.stop();
  });

  const view = async (env: string, id: string) =>
    (await orchestrator.request<RolloutView>('GET', `/v1/envs/${env}/rollouts/${id}`)).body;
  const until = async (env: string, id: string, done: (v: RolloutView) => boolean): Promise<RolloutView> => {
    for (;;) {
      const current = await view(env, id);
      if (done(current)) return current;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const served = (host: FakeHost) =>
    fetch(`http://${host.address}:${PORT}/version`).then(async (answer) => (await answer.text()).trim());

  /**
   * Three tasks, one per host, updated one at a time. Once the first has moved, the rollout is
   * paused, the third task's host is taken down (its engine stops), and the rollout resumed.
   */
  async function loseThirdHost(
    env: string,
    hosts: readonly FakeHost[],
    failureAction: 'rollback' | 'pause',
  ): Promise<RolloutView> {
    const text = rolloutJobsFile(
      env,
      hosts.map((h) => h.spec),
      [
        {
          name: 'web',
          tag: 'v1',
          hosts: hosts.map((h) => h.name),
          replicas: 3,
          port: PORT,
          update: { max_parallel: 1, failure_action: failureAction },
        },
      ],
    );
    expect(
      (await orchestrator.request('POST', `/v1/envs/${env}/apply`, { ...change(), jobs: { file: 'jobs.yaml', text } }))
        .status,
    ).toBe(200);
    expect((await orchestrator.request('POST', `/v1/envs/${env}/jobs/web/up`, change())).status).toBe(200);

    const { id } = (
      await orchestrator.request<RolloutView>('POST', `/v1/envs/${env}/jobs/web/rolling-update`, {
        ...change(),
        tag: 'v2',
      })
    ).body;
    await until(env, id, (v) => v.tasks[0].phase === 'updated');
    expect(
      (await orchestrator.request<RolloutView>('POST', `/v1/envs/${env}/rollouts/${id}/pause`, change())).body.phase,
    ).toBe('paused');
    await until(env, id, (v) => v.tasks.every((t) => t.phase !== 'updating'));
    const lost = hosts[2];
    await runInfraScript('fakehosts.sh', ['down', '1', '--first', lost.name.slice(1)]);
    expect(
      (await orchestrator.request<RolloutView>('POST', `/v1/envs/${env}/rollouts/${id}/resume`, change())).body.phase,
    ).toBe('running');
    return until(env, id, (v) => v.phase !== 'running' && v.phase !== 'rolling-back');
  }

  it('fails the task on the lost host, naming it, and rolls the others back (failure action rollback)', async () => {
    const hosts = fake.hosts.slice(0, 3);
    const ended = await loseThirdHost('lost-a', hosts, 'rollback');

    expect(ended.phase).toBe('rolled-back');
    expect(ended.reason).toMatch(
      new RegExp(
        `task 2 on ${hosts[2].name} failed: stopping the old container of task 2 on host ${hosts[2].name} failed: .+`,
      ),
    );
    expect(ended.tasks[2].detail).toMatch(/unreachable|ENOENT|ECONNREFUSED/i);
    expect(await served(hosts[0])).toBe('v1');
    expect(await served(hosts[1])).toBe('v1');
  });

  it('fails the task on the lost host and pauses for a person (failure action pause); abort then ends it, every task back on v1', async () => {
    const hosts = fake.hosts.slice(3, 6);
    const paused = await loseThirdHost('lost-b', hosts, 'pause');

    expect(paused.phase).toBe('paused');
    expect(paused.reason).toMatch(new RegExp(`task 2 on ${hosts[2].name} failed`));
    // The failed task is put back as it was (its old container was never stopped); the others keep v2.
    expect(paused.tasks.map((t) => t.phase)).toEqual(['updated', 'updated', 'reverted']);
    expect(paused.tasks[2].detail).toMatch(
      new RegExp(`on host ${hosts[2].name} failed: .*(unreachable|ENOENT|ECONNREFUSED)`, 'i'),
    );
    expect(await served(hosts[0])).toBe('v2');
    expect(await served(hosts[1])).toBe('v2');

    // The abort returns the updated tasks to v1 too, on the hosts that answer.
    const aborted = (
      await orchestrator.request<RolloutView>('POST', `/v1/envs/lost-b/rollouts/${paused.id}/abort`, change())
    ).body;
    expect(['aborting', 'aborted']).toContain(aborted.phase);
    const ended = await until('lost-b', paused.id, (v) => v.phase !== 'aborting');
    expect(ended.phase).toBe('aborted');
    expect(ended.tasks.map((t) => t.phase)).toEqual(['reverted', 'reverted', 'reverted']);
    expect(await served(hosts[0])).toBe('v1');
    expect(await served(hosts[1])).toBe('v1');
  });
});
