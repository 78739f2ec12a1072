/**
 * Containers that are lost (exited, restarted, unhealthy by Docker's HEALTHCHECK) fail their task
 * at once, during the gate or after it: an updated task is checked again at every batch boundary.
 */
import { decideRollout } from './decide';
import type { RolloutEvent } from './events';
import { policy, startCommand, tasksOn, World, type Lifecycle } from './testing/world';

type Of<T extends RolloutEvent['type']> = Extract<RolloutEvent, { type: T }>;
const eventsOf = <T extends RolloutEvent['type']>(w: World, type: T) =>
  w.events.filter((e): e is Of<T> => e.type === type);
const startOf = (w: World, task: number) =>
  eventsOf(w, 'RolloutContainerStarted').find(
    (e) => e.data.task === task && e.data.role === 'new',
  ) as Of<'RolloutContainerStarted'>;

/** The talk's broken build: healthy at once, exits with code 3 two seconds later; Docker restarts it. */
const crashing =
  (restarts: boolean, revision = 2): Lifecycle =>
  (_task, rev) =>
    rev === revision ? { exitsAfter: 2000, exitCode: 3, restarts } : {};
const slowGate = policy({ minHealthyTime: 3000, healthyDeadline: 30_000 });

describe('a lost container fails its task at once', () => {
  it('given a container that exits during the gate, the task fails at that check with the exit code, not at the deadline', () => {
    const w = new World(
      startCommand({ tasks: tasksOn(['h1'], 1), policy: slowGate }),
      () => true,
      crashing(false),
    ).run();

    const check = eventsOf(w, 'RolloutHealthCheckFailed')[0];
    expect(check).toMatchObject({ data: { detail: 'container exited (exit code 3)', fatal: true } });
    const [failed] = eventsOf(w, 'TaskUpdateFailed');
    expect(failed.data.reason).toMatch(/^container exited \(exit code 3\), 2(\.\d+)?s after it was started$/);
    expect(failed.data.at - startOf(w, 0).data.at).toBeLessThan(2500);
    expect(w.state.status).toBe('rolled-back');
    expect(w.state.reason).toMatch(/^task 0 on h1 failed: container exited \(exit code 3\)/);
    expect(w.running(0).map((c) => c.id)).toEqual(['old-0']);
  });

  it('given a container its restart policy restarted during the gate, the task fails at once', () => {
    const w = new World(
      startCommand({ tasks: tasksOn(['h1'], 1), policy: slowGate }),
      () => true,
      crashing(true),
    ).run();

    const [failed] = eventsOf(w, 'TaskUpdateFailed');
    expect(failed.data.reason).toMatch(
      /^container exited and was restarted by the engine once, 2(\.\d+)?s after it was started$/,
    );
    expect(w.state.status).toBe('rolled-back');
  });

  it("given Docker's HEALTHCHECK turns unhealthy while the job's check fails, the task fails then, well before the healthy deadline", () => {
    const unhealthy: Lifecycle = (_task, revision) => (revision === 2 ? { unhealthyAfter: 2500 } : {});
    const w = new World(
      startCommand({ tasks: tasksOn(['h1', 'h2'], 1), policy: policy({ healthyDeadline: 30_000 }) }),
      (_t, revision) => revision !== 2,
      unhealthy,
    ).run();

    const checks = eventsOf(w, 'RolloutHealthCheckFailed').filter((e) => e.data.task === 0);
    expect(checks.slice(0, -1).every((e) => e.data.detail === 'GET /health → 404' && e.data.fatal === undefined)).toBe(
      true,
    );
    expect(checks.at(-1)).toMatchObject({
      data: { detail: "container unhealthy by its image's Docker HEALTHCHECK", fatal: true },
    });
    const [failed] = eventsOf(w, 'TaskUpdateFailed');
    expect(failed.data.at - startOf(w, 0).data.at).toBeGreaterThanOrEqual(2500);
    expect(failed.data.at - startOf(w, 0).data.at).toBeLessThan(2500 + 250);
    expect(w.state.status).toBe('rolled-back');
    expect(w.running(0).map((c) => c.id)).toEqual(['old-0']);
  });

  it('reverting onto an old container that is lost leaves the task stuck at once', () => {
    const oldCrashes: Lifecycle = (_task, revision) => (revision === 1 ? { exitsAfter: 300, exitCode: 137 } : {});
    const w = new World(
      startCommand({ tasks: tasksOn(['h1'], 1), policy: policy({ minHealthyTime: 500, healthyDeadline: 30_000 }) }),
      (_t, revision) => revision !== 2,
      oldCrashes,
    ).run();
    expect(w.state.status).toBe('failed');
    expect(w.state.reason).toMatch(/could not restore task 0 on h1 \(container exited \(exit code 137\)/);
  });
});

describe('updated tasks stay watched until the rollout ends', () => {
  // The demo's policy: six replicas over three hosts, two at a time, 1 s min healthy time.
  const demo = (over = {}) =>
    startCommand({
      tasks: tasksOn(['h1', 'h2', 'h3'], 2),
      policy: policy({ maxParallel: 2, minHealthyTime: 1000, healthyDeadline: 10_000, ...over }),
    });

  it('given an image that passes its 1 s gate and crashes at 2 s, the next batch boundary finds it restarted and the rollout rolls back', () => {
    const w = new World(demo(), () => true, crashing(true)).run();

    // The first batch passed its gate…
    expect(eventsOf(w, 'TaskUpdated').map((e) => e.data.task)).toEqual(expect.arrayContaining([0, 2]));
    // …was fine at its own boundary, and lost at the next.
    const checks = eventsOf(w, 'UpdatedTaskChecked').filter((e) => e.data.task === 0);
    expect(checks.map((e) => [e.data.batch, e.data.passed])).toEqual([
      [0, true],
      [1, false],
    ]);
    expect(checks[1].data.detail).toBe('container exited and was restarted by the engine once');
    const [failed] = eventsOf(w, 'TaskUpdateFailed');
    expect(failed).toMatchObject({
      data: {
        task: 0,
        reason:
          'container exited and was restarted by the engine once after it passed its health gate (checked when batch 2 of 3 was done)',
      },
    });
    expect(eventsOf(w, 'BatchCompleted').map((e) => e.data.batch)).toEqual([0]);
    expect(w.state.status).toBe('rolled-back');
    expect(w.state.reason).toMatch(/^task 0 on h1 failed: container exited and was restarted/);
    for (const task of [0, 1, 2, 3, 4, 5]) expect(w.running(task).map((c) => c.revision)).toEqual([1]);
    expect(w.containers.filter((c) => c.byRollout).every((c) => c.removed)).toBe(true);
  });

  it('a task lost within maxFailureRatio is restored like any failed task, and the rollout goes on', () => {
    const onlyTask0: Lifecycle = (task, revision) =>
      task === 0 && revision === 2 ? { exitsAfter: 2000, exitCode: 3 } : {};
    const w = new World(demo({ maxFailureRatio: 0.2 }), () => true, onlyTask0).run();

    expect(w.state.status).toBe('succeeded');
    expect(eventsOf(w, 'RolloutSucceeded')[0].data.failedTasks).toEqual([0]);
    expect(eventsOf(w, 'TaskRolledBack').map((e) => e.data.task)).toEqual([0]);
    expect(w.running(0).map((c) => c.id)).toEqual(['old-0']);
    for (const task of [1, 2, 3, 4, 5]) expect(w.running(task).map((c) => c.revision)).toEqual([2]);
    // Task 0 is restored before the batch counts as completed.
    const restored = eventsOf(w, 'TaskRolledBack')[0];
    expect(eventsOf(w, 'BatchCompleted').find((e) => e.data.batch === 1)?.data.at).toBeGreaterThanOrEqual(
      restored.data.at,
    );
  });

  it('with failureAction pause, a lost task pauses the rollout with that task restored', () => {
    const w = new World(demo({ failureAction: 'pause' }), () => true, crashing(false)).run();
    expect(w.state.status).toBe('paused');
    expect(w.state.reason).toMatch(
      /^task 0 on h1 failed: container exited \(exit code 3\) after it passed its health gate/,
    );
    expect(w.running(0).map((c) => c.id)).toEqual(['old-0']);

    w.run([
      { at: w.now + 1000, apply: (s, now) => decideRollout({ type: 'ResumeRollout', data: { id: 'r' }, now }, s) },
    ]);
    // Task 2 crashed too: the same boundary finds it lost as soon as the rollout runs again.
    expect(w.state.status).toBe('paused');
    expect(w.state.failedTasks).toEqual([0, 2]);
    expect(w.running(2).map((c) => c.id)).toEqual(['old-2']);
  });

  it('checks the last batch once more before the rollout succeeds, before replaced containers are removed', () => {
    const w = new World(startCommand({ tasks: tasksOn(['h1', 'h2'], 1) })).run();
    expect(w.performed.filter((p) => /check|remove-replaced/.test(p))).toEqual([
      'check-container 0',
      'check-container 0',
      'check-container 1',
      'remove-replaced 0',
      'remove-replaced 1',
    ]);
    expect(eventsOf(w, 'UpdatedTaskChecked').map((e) => [e.data.task, e.data.batch])).toEqual([
      [0, 0],
      [0, 1],
      [1, 1],
    ]);
  });
});
