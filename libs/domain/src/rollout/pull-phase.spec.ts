import { accepted } from '../errors';
import { decideRollout } from './decide';
import { nextSteps, PULL_CONCURRENCY } from './workflow';
import { rolloutEvent, type RolloutEvent } from './events';
import { policy, startCommand, T0, tasksOn, World } from './testing/world';
import { toRolloutView } from './view';
import type { ActiveRollout } from './state';

const typesOf = (events: readonly RolloutEvent[]) => events.map((e) => e.type);
const firstTouch = (w: World) => w.events.findIndex((e) => e.type === 'TaskUpdateStarted');

describe('the pull phase: the image is on every host before the first batch', () => {
  it('pulls the target revision once on every host of the tasks before any container is touched', () => {
    const w = new World(
      startCommand({ tasks: tasksOn(['h1', 'h2', 'h3'], 2), policy: policy({ maxParallel: 2 }) }),
    ).run();

    expect(w.state.status).toBe('succeeded');
    expect(w.pulls.sort()).toEqual(['h1 r2', 'h2 r2', 'h3 r2']);
    const lastPull = w.events.map((e) => e.type).lastIndexOf('ImagePulled');
    expect(lastPull).toBeGreaterThan(0);
    expect(lastPull).toBeLessThan(firstTouch(w));
    expect(w.performed[0]).toBe('stop-container 0 old');
  });

  it(`asks for at most ${PULL_CONCURRENCY} pulls at once`, () => {
    const hosts = Array.from({ length: PULL_CONCURRENCY + 2 }, (_, i) => `h${i + 1}`);
    const w = new World(startCommand({ tasks: tasksOn(hosts, 1) }));
    const steps = nextSteps(w.state, { now: T0 });
    expect(steps.map((s) => s.effect)).toEqual(
      hosts.slice(0, PULL_CONCURRENCY).map((host) => ({ kind: 'pull-image', host, revision: 2 })),
    );
    expect(steps.every((s) => typesOf(s.events).join() === 'ImagePullRequested')).toBe(true);
    // One outcome frees one slot: the next host is asked, the others in flight are reconciled only if not being performed.
    w.perform(steps[0]);
    w.events.push(...steps.slice(1).flatMap((s) => s.events));
    const next = nextSteps(w.state, { now: w.now });
    expect(next.filter((s) => !s.reconcile).map((s) => s.effect)).toEqual([
      { kind: 'pull-image', host: hosts[PULL_CONCURRENCY], revision: 2 },
    ]);
  });

  it('fails the rollout when a pull fails, naming the host and the answer; no container is touched', () => {
    const w = new World(startCommand({ tasks: tasksOn(['h1', 'h2'], 2) }));
    w.registryDown = true;
    w.run();

    expect(w.state.status).toBe('failed');
    expect(w.state.reason).toBe(
      'pulling the image of revision 2 failed on h1: Get "http://registry:5000/v2/": connection refused; ' +
        'on h2: Get "http://registry:5000/v2/": connection refused; no container was touched',
    );
    expect(w.performed).toEqual([]);
    expect(typesOf(w.events).filter((t) => t.startsWith('Rollout') && t !== 'RolloutStarted')).toEqual([
      'RolloutFailed',
    ]);
    for (const task of [0, 1, 2, 3]) expect(w.running(task).map((c) => c.id)).toEqual([`old-${task}`]);
  });

  it('waits for the pulls in flight before it fails, and asks for no new one', () => {
    const w = new World(startCommand({ tasks: tasksOn(['h1', 'h2', 'h3', 'h4', 'h5'], 1) }));
    const asked = nextSteps(w.state, { now: T0 });
    w.events.push(
      ...asked.flatMap((s) => s.events),
      rolloutEvent('ImagePullFailed', { at: T0 + 10, host: 'h1', reason: 'manifest unknown' }),
    );

    const steps = nextSteps(w.state, { now: T0 + 20 });
    expect(steps.every((s) => s.reconcile && s.effect.kind === 'pull-image')).toBe(true);
    expect(steps.map((s) => (s.effect as { host: string }).host)).toEqual(['h2', 'h3', 'h4']);
    w.events.push(
      ...['h2', 'h3', 'h4'].map((host) =>
        rolloutEvent('ImagePulled', { at: T0 + 30, host, digest: 'sha256:r2', ms: 20 }),
      ),
    );
    const [end] = nextSteps(w.state, { now: T0 + 40 });
    expect(typesOf(end.events)).toEqual(['RolloutFailed']);
    expect((end.events[0].data as { reason: string }).reason).toMatch(
      /^pulling the image of revision 2 failed on h1: manifest unknown; no container was touched$/,
    );
  });

  it('after a crash performs again only the pulls without an outcome', () => {
    const w = new World(startCommand({ tasks: tasksOn(['h1', 'h2', 'h3'], 1) }));
    const [h1, h2, h3] = nextSteps(w.state, { now: T0 });
    w.perform(h1);
    // The runner dies with h2 and h3 asked for; h3's outcome never made it.
    w.events.push(
      ...h2.events,
      ...h3.events,
      rolloutEvent('ImagePulled', { at: T0 + 150, host: 'h2', digest: 'sha256:r2', bytes: 0, ms: 50 }),
    );

    const resumed = nextSteps(w.state, { now: T0 + 200 });
    expect(resumed.map((s) => [s.effect, s.reconcile, s.events.length])).toEqual([
      [{ kind: 'pull-image', host: 'h3', revision: 2 }, true, 0],
    ]);
    w.run();
    expect(w.pulls).toEqual(['h1 r2', 'h3 r2']);
    expect(w.state.status).toBe('succeeded');
  });

  it('shows its progress host by host in the rollout view', () => {
    const w = new World(startCommand({ tasks: tasksOn(['h1', 'h2', 'h3'], 1) }));
    const [h1, h2] = nextSteps(w.state, { now: T0 });
    w.perform(h1);
    w.events.push(...h2.events);
    expect(toRolloutView(w.state).pulls).toEqual([
      { host: 'h1', state: 'pulled', digest: 'sha256:r2', bytes: 1000, ms: 100 },
      { host: 'h2', state: 'pulling' },
      { host: 'h3', state: 'waiting' },
    ]);
  });

  it('is skipped by a rollout recorded before the phase existed, whose tasks have started', () => {
    const started = new World(startCommand()).events;
    const old: RolloutEvent[] = [
      ...started,
      rolloutEvent('TaskUpdateStarted', { at: T0, task: 0, direction: 'forward' }),
    ];
    const w = new World(startCommand());
    w.events.splice(0, w.events.length, ...old);
    expect(nextSteps(w.state, { now: T0 }).map((s) => s.effect.kind)).toEqual(['stop-container']);
    expect(toRolloutView(w.state).pulls).toBeUndefined();
  });

  it('an abort during the pull phase ends the rollout at once: a pull touches no container, so it is not awaited', () => {
    const w = new World(startCommand());
    const [h1] = nextSteps(w.state, { now: T0 });
    w.events.push(
      ...h1.events,
      ...accepted(
        decideRollout({ type: 'AbortRollout', data: { id: 'r', reason: 'wrong tag' }, now: T0 + 5 }, w.state),
      ),
    );
    const steps = nextSteps(w.state, { now: T0 + 10 });
    expect(steps.map((s) => s.effect.kind)).toEqual(['record']);
    expect(typesOf(steps.flatMap((s) => s.events))).toEqual(['RolloutAborted']);
    w.perform(steps[0]);
    expect(w.state.status).toBe('aborted');
    expect(w.performed).toEqual([]);
    expect(toRolloutView(w.state).pulls).toEqual([
      { host: 'h1', state: 'pulling', detail: 'not awaited: the rollout ended' },
      { host: 'h2', state: 'waiting' },
    ]);
  });
});

describe('per-task downtime', () => {
  it('stop-first: from the old container stopped to the new one passing its first check', () => {
    const w = new World(startCommand({ tasks: tasksOn(['h1', 'h2'], 1) })).run();
    const state = w.state as ActiveRollout;
    for (const task of [0, 1]) {
      const stopped = w.events.find(
        (e) => e.type === 'RolloutContainerStopped' && e.data.task === task && e.data.role === 'old',
      )?.data as { at: number };
      const passed = w.events.find((e) => e.type === 'RolloutHealthCheckPassed' && e.data.task === task)?.data as {
        at: number;
      };
      const updated = w.events.find((e) => e.type === 'TaskUpdated' && e.data.task === task)?.data as {
        downtimeMs?: number;
      };
      expect(updated.downtimeMs).toBe(passed.at - stopped.at);
      expect(updated.downtimeMs).toBeGreaterThan(0);
      expect(toRolloutView(state).tasks[task].downtimeMs).toBe(updated.downtimeMs);
    }
  });

  it('counts the failed checks before the first pass', () => {
    // Task 0's new container fails its checks for its first 700 ms.
    const w = new World(
      startCommand(),
      (task, revision, at, started) => !(task === 0 && revision === 2 && at - started < 700),
    ).run();
    const stopped = w.events.find((e) => e.type === 'RolloutContainerStopped' && e.data.task === 0)?.data as {
      at: number;
    };
    const updated = w.events.find((e) => e.type === 'TaskUpdated' && e.data.task === 0)?.data as { downtimeMs: number };
    expect(updated.downtimeMs).toBeGreaterThanOrEqual(700 + 200);
    expect(updated.downtimeMs).toBe(
      (w.events.find((e) => e.type === 'RolloutHealthCheckPassed' && e.data.task === 0)?.data as { at: number }).at -
        stopped.at,
    );
  });

  it('start-first: none, the old container served until the new one passed', () => {
    const tasks = tasksOn(['h1', 'h2'], 1).map((t) => ({ ...t, port: 9090, fromPort: 8080 }));
    const w = new World(startCommand({ tasks, policy: policy({ order: 'start-first' }) })).run();
    expect(
      w.events.filter((e) => e.type === 'TaskUpdated').map((e) => (e.data as { downtimeMs?: number }).downtimeMs),
    ).toEqual([0, 0]);
  });

  it('none is recorded for a task that had no old container', () => {
    const w = new World(startCommand({ fromRevision: undefined })).run();
    expect(w.events.filter((e) => e.type === 'TaskUpdated').map((e) => 'downtimeMs' in e.data)).toEqual([false, false]);
  });
});

describe('a revert whose kept old container is gone', () => {
  it('creates one of the old revision in its place (its create pulls the image back), gates it and rolls back', () => {
    // Task 1's new revision never passes; task 0's old container is removed outside cj after its update.
    const w = new World(
      startCommand({ tasks: tasksOn(['h1', 'h2'], 1), policy: policy({ healthyDeadline: 2000, minHealthyTime: 500 }) }),
      (task, revision) => revision !== 2 || task === 0,
    );
    w.runUntil((e) => e.type === 'TaskUpdated' && e.data.task === 0);
    const old0 = w.containers.find((c) => c.id === 'old-0');
    if (old0) old0.removed = true;
    w.run();

    expect(w.state.status).toBe('rolled-back');
    const task0 = w.events.filter((e) => 'task' in e.data && e.data.task === 0).map((e) => e.type);
    expect(task0.slice(task0.indexOf('RolloutContainerMissing') - 1)).toEqual(
      expect.arrayContaining([
        'ContainerStartRequested',
        'RolloutContainerMissing',
        'ContainerCreateRequested',
        'RolloutContainerCreated',
        'RolloutContainerStarted',
        'TaskRolledBack',
      ]),
    );
    const created = w.events.find(
      (e) => e.type === 'ContainerCreateRequested' && e.data.task === 0 && e.data.role === 'old',
    )?.data as {
      revision: number;
    };
    expect(created.revision).toBe(1);
    expect(w.running(0).map((c) => c.revision)).toEqual([1]);
    expect(w.running(1).map((c) => c.id)).toEqual(['old-1']);
  });
});
