/**
 * A host's engine that stops answering in the middle of a step, then comes back: frozen
 * (`kill -STOP` of its dockerd, longer than cj's engine timeout, then `kill -CONT`), or killed
 * (`kill -9`, then started again, which stops its containers as any engine restart does). A call
 * that timed out may still be carried out when the engine resumes, so its outcome is learnt from
 * the engine, by label, before the task's next step. Whatever happens, the rollout ends (succeeded,
 * or rolled back / failed naming the task) and every task has exactly one running container on its
 * host.
 *
 * The case `rollout-host-unreachable.spec.ts` covers, a host gone for good between two steps, is
 * not repeated here.
 */
import { DockerRuntime } from '@cj/docker-adapter';
import { rolloutStream, type ContainerInfo, type RolloutEvent } from '@cj/domain';
import type { RolloutView } from '@cj/api';
import {
  ensureDemoImages,
  fakeHostsDir,
  startFakeHosts,
  type FakeHost,
  type FakeHosts,
} from '@cj/docker-adapter/testing';
import { openSqliteEventStore, type EventStore } from '@cj/event-store';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rolloutJobsFile } from '../rollouts/testing/rollout-jobs-file';
import { rolloutEventOf } from '../store/event-codec';
import { OrchestratorProcess } from '../testing';

jest.setTimeout(480_000);

/** Each case its own environment and port, on the same two hosts. */
const PORT = 18680;
/** How long cj waits for an engine's answer; the engine stays silent several times as long. */
const ENGINE_TIMEOUT = '5s';
const SILENT_MS = 25_000;
/** Gates of 2 s within 12 s (room for a loaded machine): a gate open when its engine falls silent fails at its deadline, and the revert pass meets the silence. */
const UPDATE = { max_parallel: 1, min_healthy_time: '2s', healthy_deadline: '12s', progress_deadline: '3m' };
const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The pid of a fake host's dockerd, from its pidfile. */
const dockerdPid = (host: FakeHost): number =>
  Number(readFileSync(join(fakeHostsDir(), host.name, 'dockerd.pid'), 'utf8').trim());

describe('an engine that stalls mid-rollout', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;
  let store: EventStore;
  /** Engines frozen by a test and not yet resumed: afterAll resumes them whatever happened. */
  const frozen = new Set<number>();

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(2);
    orchestrator = await OrchestratorProcess.start({
      observeInterval: '500ms',
      extraArgs: ['--engine-timeout', ENGINE_TIMEOUT],
    });
    store = openSqliteEventStore(orchestrator.store);
  });

  afterAll(async () => {
    for (const pid of frozen) resume(pid);
    await store?.close();
    await orchestrator?.stop();
    await fake?.stop();
  });

  const freeze = (pid: number) => {
    frozen.add(pid);
    process.kill(pid, 'SIGSTOP');
  };
  function resume(pid: number): void {
    frozen.delete(pid);
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone
    }
  }

  const view = async (env: string, id: string) =>
    (await orchestrator.request<RolloutView>('GET', `/v1/envs/${env}/rollouts/${id}`)).body;
  const until = async (
    env: string,
    id: string,
    done: (v: RolloutView) => boolean,
    timeoutMs = 240_000,
  ): Promise<RolloutView> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await view(env, id);
      if (done(current)) return current;
      if (Date.now() > deadline)
        throw new Error(`rollout ${id} did not get there within ${timeoutMs} ms: ${JSON.stringify(current)}`);
      await sleep(100);
    }
  };
  const ended = (v: RolloutView) => !['running', 'paused', 'rolling-back'].includes(v.phase);
  const events = async (env: string, id: string) =>
    (await store.readStream(rolloutStream(env, id))).flatMap((r) => rolloutEventOf(r) ?? []);
  /** The task is in its health gate: its new container runs and has been checked once. */
  const gating = (task: number) => (v: RolloutView) =>
    v.tasks[task].phase === 'updating' && v.tasks[task].health !== undefined;

  /**
   * Two tasks, one per host, updated one at a time, with a gate long enough to land in. `stall`
   * runs at the moment `when` says and does something to the second host's engine.
   */
  async function rollout(
    env: string,
    port: number,
    when: (v: RolloutView) => boolean,
    stall: () => Promise<void>,
  ): Promise<RolloutView> {
    const hosts = fake.hosts;
    const text = rolloutJobsFile(
      env,
      hosts.map((h) => h.spec),
      [{ name: 'web', tag: 'v1', hosts: hosts.map((h) => h.name), replicas: 2, port, update: UPDATE }],
    );
    for (const [path, body] of [
      ['apply', { jobs: { file: 'jobs.yaml', text } }],
      ['jobs/web/up', {}],
    ] as const) {
      const answer = await orchestrator.request('POST', `/v1/envs/${env}/${path}`, { ...change(), ...body });
      if (answer.status !== 200) throw new Error(`POST ${path} answered ${answer.status}: ${answer.text}`);
    }

    const { id } = (
      await orchestrator.request<RolloutView>('POST', `/v1/envs/${env}/jobs/web/rolling-update`, {
        ...change(),
        tag: 'v2',
      })
    ).body;
    const at = await until(env, id, (v) => when(v) || v.phase !== 'running');
    if (at.phase !== 'running')
      throw new Error(`the rollout went ${at.phase} before the engine stalled: ${JSON.stringify(at)}`);
    await stall();
    return until(env, id, ended);
  }

  /** Every task has exactly one running container, on its own host, of the revision the outcome says. */
  async function expectOneRunningContainerPerTask(env: string, outcome: RolloutView): Promise<void> {
    const hosts = fake.hosts;
    const containers = async (host: FakeHost, task: number): Promise<ContainerInfo[]> =>
      new DockerRuntime(host.spec).list({ env, job: 'web', task });
    for (const [task, host] of hosts.entries()) {
      const running = (await containers(host, task)).filter((c) => c.state === 'running');
      expect(running).toHaveLength(1);
      if (outcome.phase === 'succeeded') expect(running[0].revision).toBe(outcome.toRevision);
      if (outcome.phase === 'rolled-back') expect(running[0].revision).toBe(outcome.fromRevision);
      const other = hosts.find((h) => h !== host) as FakeHost;
      expect((await containers(other, task)).filter((c) => c.state === 'running')).toEqual([]);
    }
  }

  /** The rollout ended well, or its reason names the task on the stalled engine's host. */
  function expectEndedNamingTheTask(outcome: RolloutView): void {
    expect(['succeeded', 'rolled-back', 'failed']).toContain(outcome.phase);
    if (outcome.phase !== 'succeeded') expect(outcome.reason).toMatch(new RegExp(`task 1 on ${fake.hosts[1].name}`));
  }

  const frozenFor = (ms: number) => async () => {
    const pid = dockerdPid(fake.hosts[1]);
    freeze(pid);
    try {
      await sleep(ms);
    } finally {
      resume(pid);
    }
  };
  const unanswered = async (env: string, id: string, task: number) =>
    (await events(env, id)).filter(
      (e): e is Extract<RolloutEvent, { type: 'ContainerStepUnanswered' }> =>
        e.type === 'ContainerStepUnanswered' && e.data.task === task,
    );

  it("frozen during a task's health gate, longer than the engine timeout: the revert's remove is reconciled when the engine resumes, and the task restored", async () => {
    const env = 'frozen-gate';
    const outcome = await rollout(env, PORT, gating(1), frozenFor(SILENT_MS));

    expectEndedNamingTheTask(outcome);
    await expectOneRunningContainerPerTask(env, outcome);
    // The calls that timed out were not taken for failures: the engine was asked what they did.
    // (Which calls meet the silence depends on the machine's pace: when the gate's own checks take
    // it, the revert can come after the engine is back, and no step goes unanswered.)
    const steps = await unanswered(env, outcome.id, 1);
    expect(steps.filter((e) => /no answer to .* within 5s/.test(e.data.reason) && !e.data.maybeDone)).toEqual([]);
  });

  it("frozen before a task's pass begins (its old container's stop times out): the engine is asked what happened, then the pass goes on", async () => {
    const env = 'frozen-stop';
    const outcome = await rollout(env, PORT + 1, gating(0), frozenFor(SILENT_MS));

    expectEndedNamingTheTask(outcome);
    await expectOneRunningContainerPerTask(env, outcome);
    expect((await unanswered(env, outcome.id, 1)).length).toBeGreaterThan(0);
  });

  it("killed during a task's health gate and started again (which stops its containers): the task is restored once the engine answers", async () => {
    const env = 'killed-gate';
    const outcome = await rollout(env, PORT + 2, gating(1), async () => {
      process.kill(dockerdPid(fake.hosts[1]), 'SIGKILL');
      try {
        await sleep(SILENT_MS);
      } finally {
        await fake.restartEngine(fake.hosts[1]);
      }
    });

    expectEndedNamingTheTask(outcome);
    await expectOneRunningContainerPerTask(env, outcome);
    expect((await unanswered(env, outcome.id, 1)).length).toBeGreaterThan(0);
  });
});
