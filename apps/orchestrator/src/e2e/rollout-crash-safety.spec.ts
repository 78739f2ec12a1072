/**
 * "Kill the orchestrator with SIGKILL at any point of a rollout and start it again: the rollout
 * continues (or rolls back) from its log, reconciling with Docker by labels; no task is done
 * twice, no container is orphaned, no event is lost or duplicated."
 *
 * For each kind of step, a rollout is started, its stream is watched (every 10 ms, straight from
 * the store file) until the step is visible, the orchestrator is killed with SIGKILL, started again
 * on the same store, and the rollout is followed to its end. The stream at the moment of death says
 * whether the kill landed exactly at the step (the step's next event not yet written); every run
 * checks the outcome, the containers and the log, precise or not.
 */
import { DockerRuntime } from '@cj/docker-adapter';
import { jobStream, rolloutStream, type ContainerInfo, type JobEvent, type RolloutEvent } from '@cj/domain';
import type { RolloutView } from '@cj/api';
import { ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import { openSqliteEventStore, StreamNotFoundError, type EventStore, type RecordedEvent } from '@cj/event-store';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rolloutJobsFile } from '../rollouts/testing/rollout-jobs-file';
import { rolloutEventOf } from '../store/event-codec';
import { OrchestratorProcess } from '../testing';

jest.setTimeout(600_000);

const ENV = 'crash';
const PORT = 18480;
const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });

type Intent =
  'ContainerStopRequested' | 'ContainerCreateRequested' | 'ContainerStartRequested' | 'ContainerRemoveRequested';
const OUTCOME: Record<Intent, RolloutEvent['type']> = {
  ContainerStopRequested: 'RolloutContainerStopped',
  ContainerCreateRequested: 'RolloutContainerCreated',
  ContainerStartRequested: 'RolloutContainerStarted',
  ContainerRemoveRequested: 'RolloutContainerRemoved',
};

const taskEvents = (events: readonly RolloutEvent[], task: number) =>
  events.filter((e) => 'task' in e.data && e.data.task === task);
const lastOfSomeTask = (events: readonly RolloutEvent[], types: readonly string[]) => {
  const tasks = new Set(events.flatMap((e) => ('task' in e.data ? [e.data.task] : [])));
  return [...tasks].some((task) => types.includes(taskEvents(events, task).at(-1)?.type ?? ''));
};

interface KillPoint {
  readonly name: string;
  readonly tag: string;
  /** The step is visible in the stream: kill now. */
  readonly reached: (events: readonly RolloutEvent[]) => boolean;
  /** At the moment of death the stream was cut right at the step. */
  readonly precise: (events: readonly RolloutEvent[]) => boolean;
  readonly outcome: 'succeeded' | 'rolled-back';
  /** Timing may end the rollout before the step is seen; then there is nothing to kill. */
  readonly mayEndFirst?: boolean;
  /** Policy overrides of this rollout. */
  readonly overrides?: { readonly minHealthyTime?: number };
}

const at = (type: RolloutEvent['type'], role?: 'old' | 'new') => (events: readonly RolloutEvent[]) =>
  events.some((e) => e.type === type && (role === undefined || ('role' in e.data && e.data.role === role)));

const KILL_POINTS: readonly KillPoint[] = [
  {
    name: 'after a stop intent',
    tag: 'v2',
    reached: at('ContainerStopRequested'),
    precise: (e) => lastOfSomeTask(e, ['ContainerStopRequested']),
    outcome: 'succeeded',
  },
  {
    name: 'after a stop',
    tag: 'v1',
    reached: at('RolloutContainerStopped', 'old'),
    precise: (e) => lastOfSomeTask(e, ['RolloutContainerStopped']),
    outcome: 'succeeded',
  },
  {
    name: 'after a create intent',
    tag: 'v2',
    reached: at('ContainerCreateRequested'),
    precise: (e) => lastOfSomeTask(e, ['ContainerCreateRequested']),
    outcome: 'succeeded',
  },
  {
    name: 'after a create',
    tag: 'v1',
    reached: at('RolloutContainerCreated'),
    precise: (e) => lastOfSomeTask(e, ['RolloutContainerCreated']),
    outcome: 'succeeded',
  },
  {
    name: 'after a start',
    tag: 'v2',
    reached: at('RolloutContainerStarted', 'new'),
    precise: (e) => lastOfSomeTask(e, ['RolloutContainerStarted']),
    outcome: 'succeeded',
  },
  {
    name: 'mid health gate',
    tag: 'v1',
    reached: at('RolloutHealthCheckPassed'),
    precise: (e) => lastOfSomeTask(e, ['RolloutHealthCheckPassed', 'RolloutHealthCheckFailed']),
    outcome: 'succeeded',
  },
  {
    name: 'mid rollback (a new container being removed)',
    tag: 'unhealthy',
    reached: at('ContainerRemoveRequested'),
    precise: (e) => lastOfSomeTask(e, ['ContainerRemoveRequested']),
    outcome: 'rolled-back',
  },
  {
    name: 'mid rollback (an old container restarted, gating)',
    tag: 'unhealthy',
    reached: at('RolloutContainerStarted', 'old'),
    precise: (e) =>
      !at('RolloutRolledBack')(e) &&
      lastOfSomeTask(e, ['RolloutContainerStarted', 'RolloutHealthCheckPassed', 'RolloutHealthCheckFailed']),
    outcome: 'rolled-back',
  },
  {
    name: 'at a batch boundary (an updated task checked again)',
    tag: 'v2',
    reached: at('UpdatedTaskChecked'),
    precise: (e) => lastOfSomeTask(e, ['UpdatedTaskChecked']),
    outcome: 'succeeded',
  },
  {
    // The crash image passes its gate and exits 2 s after its start; a later boundary finds it.
    name: 'after an updated task was found lost',
    tag: 'crash',
    reached: (e) => e.some((x) => x.type === 'UpdatedTaskChecked' && !x.data.passed),
    precise: (e) => !at('TaskUpdateFailed')(e),
    outcome: 'rolled-back',
    // Gates of 1 s put the first boundary check after the first task's 2 s, whatever the machine.
    overrides: { minHealthyTime: 1000 },
    // On a loaded machine a gate can outlast the image's 2 s, so its own check finds the exit first
    // and the rollout rolls back without a boundary check ever failing: nothing to kill then.
    mayEndFirst: true,
  },
];

describe('a rollout survives SIGKILL of the orchestrator at every kind of step', () => {
  let fake: FakeHosts;
  let dir: string;
  let store: EventStore;
  let orchestrator: OrchestratorProcess;
  let runtimes: DockerRuntime[];
  const hits: string[] = [];

  const start = () =>
    OrchestratorProcess.start({ store: join(dir, 'cj.db'), readDb: join(dir, 'cj.read.db'), observeInterval: '500ms' });

  const read = async (stream: string): Promise<RecordedEvent[]> => {
    try {
      return await store.readStream(stream);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  };
  const rolloutEvents = async (id: string) =>
    (await read(rolloutStream(ENV, id))).flatMap((r) => rolloutEventOf(r) ?? []);
  const containers = async (): Promise<ContainerInfo[]> =>
    (await Promise.all(runtimes.map((r) => r.list({ env: ENV, job: 'web' })))).flat();

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(3);
    runtimes = fake.hosts.map((h) => new DockerRuntime(h.spec));
    dir = mkdtempSync(join(tmpdir(), 'cj-crash-'));
    orchestrator = await start();
    store = openSqliteEventStore(join(dir, 'cj.db'));
    const text = rolloutJobsFile(
      ENV,
      fake.hosts.map((h) => h.spec),
      [
        {
          name: 'web',
          tag: 'v1',
          hosts: fake.hosts.map((h) => h.name),
          replicas: 3,
          port: PORT,
          update: { max_parallel: 1, healthy_deadline: '3s' },
        },
      ],
    );
    expect(
      (await orchestrator.request('POST', `/v1/envs/${ENV}/apply`, { ...change(), jobs: { file: 'jobs.yaml', text } }))
        .status,
    ).toBe(200);
    expect((await orchestrator.request('POST', `/v1/envs/${ENV}/jobs/web/up`, change())).status).toBe(200);
  });

  afterAll(async () => {
    // The number the crash-safety claim rests on, for whoever reads the test run.
    console.log(`kill points hit exactly: ${hits.length} of ${KILL_POINTS.length} (${hits.join('; ')})`);
    await orchestrator?.stop();
    await store?.close();
    await fake?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(KILL_POINTS.map((point) => [point.name, point] as const))('%s', async (_name, point) => {
    const started = await orchestrator.request<RolloutView>('POST', `/v1/envs/${ENV}/jobs/web/rolling-update`, {
      ...change(),
      tag: point.tag,
      ...point.overrides,
    });
    expect(started.status).toBe(200);
    const id = started.body.id;

    let endedFirst = false;
    for (;;) {
      const events = await rolloutEvents(id);
      if (point.reached(events)) break;
      endedFirst = events.some((e) => ['RolloutSucceeded', 'RolloutRolledBack', 'RolloutFailed'].includes(e.type));
      if (endedFirst && point.mayEndFirst) break;
      expect(endedFirst).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (!endedFirst) {
      await orchestrator.signal('SIGKILL');
      if (point.precise(await rolloutEvents(id))) hits.push(point.name);
      orchestrator = await start();
    }

    let view: RolloutView;
    for (;;) {
      view = (await orchestrator.request<RolloutView>('GET', `/v1/envs/${ENV}/rollouts/${id}`)).body;
      if (!['running', 'rolling-back'].includes(view.phase)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    // The outcome: the one the rollout would have had without the crash.
    expect(view.phase).toBe(point.outcome);
    const revision = point.outcome === 'succeeded' ? view.toRevision : view.fromRevision;

    // Containers: one running per task, of the right revision; nothing of this rollout left over.
    const all = await containers();
    for (let task = 0; task < 3; task++) {
      const mine = all.filter((c) => c.task === task);
      expect(mine.filter((c) => c.state === 'running').map((c) => c.revision)).toEqual([revision]);
      expect(mine.length).toBeLessThanOrEqual(2);
      const named = mine.map((c) => c.name);
      expect(new Set(named).size).toBe(named.length);
    }
    const ofRollout = all.filter((c) => c.rollout === id);
    expect(ofRollout.length).toBe(point.outcome === 'succeeded' ? 3 : 0);

    // The rollout's log: every intent followed by exactly one outcome (or the task's failure), no event twice.
    const events = await rolloutEvents(id);
    for (let task = 0; task < 3; task++) {
      let open: Intent | undefined;
      for (const event of taskEvents(events, task)) {
        if (event.type in OUTCOME) {
          expect(open).toBeUndefined();
          open = event.type as Intent;
        } else if (Object.values(OUTCOME).includes(event.type)) {
          expect(open !== undefined && OUTCOME[open] === event.type).toBe(true);
          open = undefined;
        } else if (event.type === 'TaskUpdateFailed') {
          open = undefined;
        }
      }
      expect(open).toBeUndefined();
    }
    const records = await store.readAll();
    for (const stream of new Set(records.map((r) => r.streamId))) {
      const ids = records.filter((r) => r.streamId === stream).map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
    }

    // The job's stream: marked once at the start and once at the end, and it knows exactly what runs.
    const jobRecords = await read(jobStream(ENV, 'web'));
    const marks = jobRecords
      .filter((r) => (r.data as { rolloutId?: string }).rolloutId === id && r.type.startsWith('JobRollout'))
      .map((r) => r.type);
    expect(marks).toEqual(['JobRolloutStarted', 'JobRolloutEnded']);
    const running = new Map<string, boolean>();
    for (const record of jobRecords) {
      const event = { type: record.type, data: record.data } as Pick<JobEvent, 'type' | 'data'>;
      if (!('containerId' in event.data)) continue;
      if (event.type === 'ContainerStarted') running.set(event.data.containerId, true);
      if (['ContainerStopped', 'ContainerExited', 'ContainerRemoved'].includes(event.type))
        running.set(event.data.containerId, false);
    }
    const recorded = [...running]
      .filter(([, on]) => on)
      .map(([containerId]) => containerId)
      .sort();
    expect(recorded).toEqual(
      all
        .filter((c) => c.state === 'running')
        .map((c) => c.id)
        .sort(),
    );
  });
});
