import type { JobEvent } from '../job/events';
import type { EventMetadata } from '../events/metadata';
import type { ContainerInfo, ContainerState } from '../ports/container-runtime';
import { jobSpec } from '../testing';
import { decideRestarts, type TaskRestart } from './decide-restarts';
import { foldReconcile } from './reconcile-state';
import { restartDelay } from './restart-backoff';

const T0 = Date.parse('2026-06-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const meta = (ms: number, actor = 'orchestrator'): EventMetadata => ({
  actor,
  correlationId: 'c',
  causationId: 'c',
  occurredAt: at(ms),
  cjVersion: '0.1.0',
});

const spec = jobSpec({ tasks: [{ index: 0, host: 'h1', port: 8080 }] });
const ref = (containerId: string) => ({ job: 'web', task: 0, host: 'h1', containerId });

const registered = (ms = 0): JobEvent => ({
  type: 'JobRegistered',
  schemaVersion: 1,
  data: { job: 'web', revision: 1, spec },
  metadata: meta(ms, 'ops'),
});
const started = (ms: number, id = 'c-1'): JobEvent => ({
  type: 'ContainerStarted',
  schemaVersion: 1,
  data: { ...ref(id), revision: 1 },
  metadata: meta(ms, 'ops'),
});
const exited = (ms: number, id = 'c-1'): JobEvent => ({
  type: 'ContainerExited',
  schemaVersion: 1,
  data: { ...ref(id), exitCode: 137, oomKilled: false },
  metadata: meta(ms),
});
const stopped = (ms: number, id = 'c-1'): JobEvent => ({
  type: 'ContainerStopped',
  schemaVersion: 1,
  data: ref(id),
  metadata: meta(ms, 'ops'),
});
const removed = (ms: number, id = 'c-1'): JobEvent => ({
  type: 'ContainerRemoved',
  schemaVersion: 1,
  data: ref(id),
  metadata: meta(ms),
});
const restarted = (ms: number, attempt: number, id = 'c-1'): JobEvent => ({
  type: 'TaskRestarted',
  schemaVersion: 1,
  data: { ...ref(id), revision: 1, cause: 'exited', reason: 'container c-1 exited', attempt },
  metadata: meta(ms),
});
const restartFailed = (ms: number, attempt: number): JobEvent => ({
  type: 'TaskRestartFailed',
  schemaVersion: 1,
  data: {
    job: 'web',
    task: 0,
    host: 'h1',
    revision: 1,
    cause: 'removed',
    reason: 'gone',
    attempt,
    error: 'no such image',
  },
  metadata: meta(ms),
});
const jobStopped = (ms: number): JobEvent => ({
  type: 'JobStopped',
  schemaVersion: 1,
  data: { job: 'web' },
  metadata: meta(ms, 'ops'),
});
const rolloutStarted = (ms: number): JobEvent => ({
  type: 'JobRolloutStarted',
  schemaVersion: 1,
  data: { job: 'web', rolloutId: 'r-1', fromRevision: 1, toRevision: 1 },
  metadata: meta(ms, 'ops'),
});

function container(id: string, state: ContainerState, overrides: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    id,
    name: `web-0-r1-${id}`,
    host: 'h1',
    env: 'prod',
    job: 'web',
    task: 0,
    revision: 1,
    labels: {},
    image: 'demo:v1',
    imageId: 'sha256:1',
    state,
    restartCount: 0,
    createdAt: at(0),
    health: 'none',
    ...(state === 'exited' && { exitCode: 137 }),
    ...overrides,
  };
}

/** Given the job's stream, when the engines list these containers at `now` (ms after T0): the restarts. */
function given(...history: JobEvent[]) {
  return {
    when: (containers: readonly ContainerInfo[], now: number, answered: readonly string[] = ['h1']): TaskRestart[] =>
      decideRestarts({ state: foldReconcile(history), containers, answered: new Set(answered), now: at(now) }),
  };
}

describe('decideRestarts: a task meant to run with no running container is restarted', () => {
  it('starts an exited container again once its first backoff (1 s) has passed, attempt 1, saying why', () => {
    const history = given(registered(), started(100), exited(5_000));

    expect(history.when([container('c-1', 'exited')], 5_500)).toEqual([]);
    expect(history.when([container('c-1', 'exited')], 6_000)).toEqual([
      {
        job: 'web',
        task: 0,
        host: 'h1',
        revision: 1,
        cause: 'exited',
        reason: 'container c-1 exited with code 137',
        attempt: 1,
        start: 'c-1',
      },
    ]);
  });

  it("creates a container of the task's revision in place of one that is gone from its host", () => {
    expect(given(registered(), started(100), exited(5_000), removed(5_010)).when([], 7_000)).toEqual([
      {
        job: 'web',
        task: 0,
        host: 'h1',
        revision: 1,
        cause: 'removed',
        reason: 'container c-1 is gone from host h1',
        attempt: 1,
      },
    ]);
  });

  it("does not start a kept container of another revision: a new one of the task's revision is made", () => {
    const v2 = jobSpec({ tasks: spec.tasks, image: { ...spec.image, tag: 'v2' } });
    const revised: JobEvent = {
      type: 'JobRevisionCreated',
      schemaVersion: 1,
      data: { job: 'web', revision: 2, spec: v2, changes: [] },
      metadata: meta(1_000, 'ops'),
    };
    const [restart] = given(registered(), started(100), revised, exited(5_000)).when(
      [container('c-1', 'exited')],
      7_000,
    );

    expect(restart).toMatchObject({ cause: 'exited', revision: 2, attempt: 1 });
    expect(restart).not.toHaveProperty('start');
  });

  it('waits twice as long after each attempt, up to a minute', () => {
    expect([1, 2, 3, 4, 6, 7, 12].map(restartDelay)).toEqual([1_000, 2_000, 4_000, 8_000, 32_000, 60_000, 60_000]);
    // Restarted at 6 s, dead again at 6.5 s: attempt 2 waits 2 s from then.
    const history = given(
      registered(),
      started(100),
      exited(5_000),
      restarted(6_000, 1),
      started(6_000),
      exited(6_500),
    );

    expect(history.when([container('c-1', 'exited')], 8_400)).toEqual([]);
    expect(history.when([container('c-1', 'exited')], 8_500)).toMatchObject([{ attempt: 2, start: 'c-1' }]);
  });

  it('counts a restart the engine refused as an attempt, and waits from it', () => {
    const history = given(registered(), started(100), exited(5_000), removed(5_010), restartFailed(6_100, 1));

    expect(history.when([], 8_000)).toEqual([]);
    expect(history.when([], 8_100)).toMatchObject([{ attempt: 2, cause: 'removed' }]);
  });

  it('starts over at attempt 1 once the task stayed up 10 s', () => {
    const history = given(
      registered(),
      started(100),
      exited(5_000),
      restarted(6_000, 1),
      started(6_000),
      exited(16_000),
    );

    expect(history.when([container('c-1', 'exited')], 17_000)).toMatchObject([{ attempt: 1 }]);
  });
});

describe('decideRestarts: what it leaves alone', () => {
  const dead = [registered(), started(100), exited(5_000)];

  it('a task the engine shows running, restarting or paused (its restart policy acts first), or that the log still thinks runs', () => {
    for (const state of ['running', 'restarting', 'paused'] as const)
      expect(given(...dead).when([container('c-1', state)], 60_000)).toEqual([]);
    expect(given(registered(), started(100)).when([container('c-1', 'exited')], 60_000)).toEqual([]);
  });

  it('a job brought down, and a task cj stopped outside a rollout (a log from before JobStopped)', () => {
    expect(given(...dead, removed(5_100), jobStopped(5_100)).when([], 60_000)).toEqual([]);
    expect(given(registered(), started(100), stopped(5_000), removed(5_001)).when([], 60_000)).toEqual([]);
  });

  it('a job whose rollout is under way: the rollout owns its containers', () => {
    expect(given(registered(), started(100), rolloutStarted(200), stopped(300)).when([], 60_000)).toEqual([]);
    expect(given(...dead, rolloutStarted(5_100)).when([container('c-1', 'exited')], 60_000)).toEqual([]);
  });

  it('a task that never ran, and a task on a host that did not answer', () => {
    expect(given(registered()).when([], 60_000)).toEqual([]);
    expect(given(...dead).when([], 60_000, [])).toEqual([]);
  });

  it('a job with reconcile: report, which only records', () => {
    const reporting: JobEvent = {
      type: 'JobRegistered',
      schemaVersion: 1,
      data: { job: 'web', revision: 1, spec: { ...spec, reconcile: 'report' } },
      metadata: meta(0, 'ops'),
    };

    expect(given(reporting, started(100), exited(5_000)).when([container('c-1', 'exited')], 60_000)).toEqual([]);
  });

  it('a job up again after a down is meant to run again', () => {
    expect(
      given(...dead, removed(5_100), jobStopped(5_100), started(7_000, 'c-2'), exited(8_000, 'c-2')).when(
        [container('c-2', 'exited')],
        9_000,
      ),
    ).toMatchObject([{ attempt: 1, start: 'c-2' }]);
  });
});
