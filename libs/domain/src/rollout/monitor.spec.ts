/**
 * The monitor window (`update.monitor`): after the last batch passes its gate, every updated task
 * is checked at the probe interval for the window's length before the rollout succeeds. It closes
 * the gap the boundary checks leave: a container that crashes after the last of them.
 */
import { decideRollout } from './decide';
import type { RolloutEvent } from './events';
import { policy, startCommand, tasksOn, World, type Health, type Lifecycle } from './testing/world';
import { toRolloutView } from './view';

type Of<T extends RolloutEvent['type']> = Extract<RolloutEvent, { type: T }>;
const eventsOf = <T extends RolloutEvent['type']>(w: World, type: T) =>
  w.events.filter((e): e is Of<T> => e.type === type);
const only = <T extends RolloutEvent['type']>(w: World, type: T): Of<T> => {
  const found = eventsOf(w, type);
  expect(found).toHaveLength(1);
  return found[0];
};

const WINDOW = 3000;
/** Two tasks on two hosts, both in the one (and so final) batch, through a 500 ms gate. */
const finalBatch = (over = {}, probeRetries?: number) =>
  startCommand({
    tasks: tasksOn(['h1', 'h2'], 1),
    policy: policy({ maxParallel: 2, minHealthyTime: 500, healthyDeadline: 5000, ...over }),
    ...(probeRetries !== undefined && { probeRetries }),
  });
/** The demo's broken build: passes its gate, exits with code 3 two seconds after its start. */
const crashesAt2s: Lifecycle = (_task, revision) => (revision === 2 ? { exitsAfter: 2000, exitCode: 3 } : {});
/** The new revision answers its health check but stops answering from `from` ms after its start, for `lasting` ms. */
const stopsAnswering =
  (from: number, lasting = Infinity): Health =>
  (_task, revision, at, startedAt) =>
    revision !== 2 || at - startedAt < from || at - startedAt >= from + lasting;

describe('the monitor window before success', () => {
  it('given healthy tasks, checks each one at the probe interval until the window ends, then succeeds', () => {
    const w = new World(finalBatch({ monitor: WINDOW })).run();

    expect(w.state.status).toBe('succeeded');
    const monitoring = only(w, 'RolloutMonitoringStarted');
    expect(monitoring.data.until).toBe(monitoring.data.at + WINDOW);
    // The window opens once both tasks passed their gate and the boundary check.
    const gated = eventsOf(w, 'UpdatedTaskChecked').map((e) => e.data.at);
    expect(monitoring.data.at).toBeGreaterThanOrEqual(Math.max(...gated));
    for (const task of [0, 1]) {
      const checks = eventsOf(w, 'RolloutHealthCheckPassed').filter(
        (e) => e.data.task === task && e.data.at > monitoring.data.at,
      );
      expect(checks).toHaveLength(WINDOW / 250);
      expect(checks.at(-1)?.data.at).toBe(monitoring.data.until);
    }
    expect(only(w, 'BatchCompleted').data.at).toBeGreaterThanOrEqual(monitoring.data.until);
    expect(only(w, 'RolloutSucceeded').data.at - monitoring.data.until).toBeLessThan(500);
  });

  it('adds the window to the rollout and nothing when there is none', () => {
    const without = new World(finalBatch()).run();
    const withWindow = new World(finalBatch({ monitor: WINDOW })).run();

    expect(eventsOf(without, 'RolloutMonitoringStarted')).toEqual([]);
    const took = (w: World) => only(w, 'RolloutSucceeded').data.at - w.events[0].data.at;
    expect(took(withWindow) - took(without)).toBe(WINDOW);
  });

  it('given an image that passes its gate and crashes at 2 s, the rollout succeeds without a window: the gap it closes', () => {
    const w = new World(finalBatch(), () => true, crashesAt2s).run();
    expect(w.state.status).toBe('succeeded');
  });

  it('given the same image and a window, the crash fails its task during the window and the rollout rolls back', () => {
    const w = new World(finalBatch({ monitor: WINDOW }), () => true, crashesAt2s).run();

    const [failed] = eventsOf(w, 'TaskUpdateFailed');
    expect(failed.data.reason).toMatch(
      /^container exited \(exit code 3\) during the monitor window, \d+(\.\d+)?s after it opened$/,
    );
    expect(failed.data.at).toBeLessThan(only(w, 'RolloutMonitoringStarted').data.until);
    expect(w.state.status).toBe('rolled-back');
    expect(w.state.reason).toMatch(
      /^task \d on h\d failed: container exited \(exit code 3\) during the monitor window/,
    );
    expect(eventsOf(w, 'BatchCompleted')).toEqual([]);
    for (const task of [0, 1]) expect(w.running(task).map((c) => c.id)).toEqual([`old-${task}`]);
  });

  it('given a task whose job health check keeps failing in the window, it fails after three failed checks in a row', () => {
    const w = new World(finalBatch({ monitor: WINDOW }), stopsAnswering(1500)).run();

    const [failed] = eventsOf(w, 'TaskUpdateFailed');
    expect(failed.data.reason).toMatch(
      /^its health check failed 3 times in a row \(last: GET \/health → 404\) during the monitor window, /,
    );
    expect(w.state.status).toBe('rolled-back');
  });

  it('given a job whose health check allows one failure (retries: 1), its first failed check in the window fails the task', () => {
    const w = new World(finalBatch({ monitor: WINDOW }, 1), stopsAnswering(1500)).run();

    const [failed] = eventsOf(w, 'TaskUpdateFailed');
    expect(failed.data.reason).toMatch(
      /^its health check failed \(last: GET \/health → 404\) during the monitor window, /,
    );
    expect(only(w, 'RolloutStarted').data.probeRetries).toBe(1);
  });

  it('given one failed check in the window that the next check undoes, the rollout still succeeds', () => {
    const w = new World(finalBatch({ monitor: WINDOW }), stopsAnswering(1500, 250)).run();

    const since = only(w, 'RolloutMonitoringStarted').data.at;
    expect(eventsOf(w, 'RolloutHealthCheckFailed').filter((e) => e.data.at > since).length).toBeGreaterThan(0);
    expect(w.state.status).toBe('succeeded');
  });

  it('with failureAction pause, a crash in the window pauses the rollout with the task restored; resuming finishes the window', () => {
    const onlyTask0: Lifecycle = (task, revision) =>
      task === 0 && revision === 2 ? { exitsAfter: 2000, exitCode: 3 } : {};
    const w = new World(finalBatch({ monitor: WINDOW, failureAction: 'pause' }), () => true, onlyTask0).run();

    expect(w.state.status).toBe('paused');
    expect(w.state.reason).toMatch(/^task 0 on h1 failed: container exited \(exit code 3\) during the monitor window/);
    expect(w.running(0).map((c) => c.id)).toEqual(['old-0']);

    w.run([
      {
        at: w.now + 1000,
        apply: (s, now) => decideRollout({ type: 'ResumeRollout', data: { id: s.exists ? s.id : '' }, now }, s),
      },
    ]);
    expect(w.state.status).toBe('succeeded');
    expect(only(w, 'RolloutSucceeded').data.failedTasks).toEqual([0]);
    expect(w.running(1).map((c) => c.revision)).toEqual([2]);
  });

  it('is not a stall: a window longer than the progress deadline still succeeds', () => {
    const w = new World(finalBatch({ monitor: WINDOW, progressDeadline: 1500 })).run();
    expect(w.state.status).toBe('succeeded');
  });

  it('shows the rollout monitoring in its view while the window is open', () => {
    const w = new World(finalBatch({ monitor: WINDOW }));
    w.runUntil((e) => e.type === 'RolloutMonitoringStarted');

    const until = new Date(only(w, 'RolloutMonitoringStarted').data.until).toISOString();
    const view = toRolloutView(w.state);
    expect(view).toMatchObject({ phase: 'running', monitorUntil: until });
    expect(view.tasks.map((t) => [t.phase, t.detail])).toEqual([
      ['updated', `monitored until ${until}`],
      ['updated', `monitored until ${until}`],
    ]);
    expect(toRolloutView(w.run().state).tasks.map((t) => t.detail)).toEqual([undefined, undefined]);
  });
});

describe('the monitor window after a runner restart', () => {
  it('goes on with the recorded window instead of opening a new one', () => {
    const w = new World(finalBatch({ monitor: WINDOW }));
    w.runUntil((e) => e.type === 'RolloutHealthCheckPassed' && w.state.monitor !== undefined);
    const down = w.now;
    // The runner is down for a second; a new one has only the stream.
    w.now += 1000;
    w.run();

    const monitoring = only(w, 'RolloutMonitoringStarted');
    const checks = eventsOf(w, 'RolloutHealthCheckPassed').filter((e) => e.data.at > monitoring.data.at);
    expect(checks.filter((e) => e.data.at > down && e.data.at < down + 1000)).toEqual([]);
    expect(w.state.status).toBe('succeeded');
    expect(only(w, 'BatchCompleted').data.at).toBeGreaterThanOrEqual(monitoring.data.until);
    expect(only(w, 'RolloutSucceeded').data.at - monitoring.data.until).toBeLessThan(500);
  });

  it('finds a container that crashed while no runner was watching, at its first check after the restart', () => {
    const w = new World(finalBatch({ monitor: WINDOW }), () => true, crashesAt2s);
    w.runUntil((e) => e.type === 'RolloutMonitoringStarted');
    const restart = w.now + 2000;
    w.now = restart;
    w.run();

    const [failed] = eventsOf(w, 'TaskUpdateFailed');
    expect(failed.data.at).toBeGreaterThanOrEqual(restart);
    expect(failed.data.reason).toMatch(/^container exited \(exit code 3\) during the monitor window/);
    expect(w.state.status).toBe('rolled-back');
  });
});
