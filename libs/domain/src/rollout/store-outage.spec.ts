/**
 * Store outages pause a rollout, they do not fail it. While the store refuses writes the runner
 * records nothing and performs nothing; when it takes writes again it records
 * `RolloutWaitedOnStore { from, to }` first, and every clock of the rollout (healthy deadline,
 * min healthy time, monitor window, delay between batches, progress deadline) moves on by the outage.
 */
import { rolloutEvent, type RolloutEvent } from './events';
import { foldRollout, type ActiveRollout } from './state';
import { nextSteps } from './workflow';
import { policy, startCommand, tasksOn, World } from './testing/world';
import { toRolloutView } from './view';

type Of<T extends RolloutEvent['type']> = Extract<RolloutEvent, { type: T }>;
const eventsOf = <T extends RolloutEvent['type']>(w: World, type: T) =>
  w.events.filter((e): e is Of<T> => e.type === type);

const OUTAGE = 30_000;
/** The store refused writes from the world's now for `ms`; back, the runner records the wait. */
function storeOutage(w: World, ms: number, recorded = true): void {
  const from = w.now;
  w.now += ms;
  if (recorded)
    w.events.push(
      rolloutEvent('RolloutWaitedOnStore', {
        at: w.now,
        from,
        to: w.now,
        reason: 'the disk holding the event log is full',
      }),
    );
}

describe('a rollout across a store outage', () => {
  it('given a gate that passed its first check, when the store was out longer than the healthy deadline, then the task passes its gate and the rollout succeeds', () => {
    const w = new World(
      startCommand({ tasks: tasksOn(['h1'], 1), policy: policy({ minHealthyTime: 2000, healthyDeadline: 5000 }) }),
    );
    w.runUntil((e) => e.type === 'RolloutHealthCheckPassed');

    storeOutage(w, OUTAGE);
    w.run();

    expect(w.state.status).toBe('succeeded');
    expect(eventsOf(w, 'TaskUpdateFailed')).toEqual([]);
    // The run of passing checks went on across the outage: 2 s of checks, not 2 s after it.
    const passed = eventsOf(w, 'RolloutHealthCheckPassed').map((e) => e.data.at);
    const updated = eventsOf(w, 'TaskUpdated')[0];
    expect(updated.data.at - OUTAGE - passed[0]).toBeGreaterThanOrEqual(2000);
    expect(updated.data.at - OUTAGE - passed[0]).toBeLessThan(2500);
  });

  it('given the same outage left unrecorded (what a runner without the wait did), the late check fails the healthy task at its deadline', () => {
    const w = new World(
      startCommand({ tasks: tasksOn(['h1'], 1), policy: policy({ minHealthyTime: 2000, healthyDeadline: 5000 }) }),
    );
    w.runUntil((e) => e.type === 'RolloutHealthCheckPassed');

    storeOutage(w, OUTAGE, false);
    w.run();

    expect(w.state.status).toBe('rolled-back');
    expect(eventsOf(w, 'TaskUpdateFailed')[0].data.reason).toMatch(
      /^not healthy for 2s within the healthy deadline of 5s \(\d+ checks; last: healthy\)$/,
    );
  });

  it('given the wait recorded, then the healthy deadline counts only the time the store took writes', () => {
    const w = new World(
      startCommand({ tasks: tasksOn(['h1'], 1), policy: policy({ minHealthyTime: 2000, healthyDeadline: 5000 }) }),
      (_t, revision) => revision !== 2,
    );
    w.runUntil((e) => e.type === 'RolloutHealthCheckFailed');
    const opened = (w.state.tasks[0].gate?.openedAt ?? 0) as number;

    storeOutage(w, OUTAGE);
    w.run();

    const failed = eventsOf(w, 'TaskUpdateFailed')[0];
    expect(failed.data.reason).toMatch(/^not healthy for 2s within the healthy deadline of 5s/);
    expect(failed.data.at - opened).toBeGreaterThanOrEqual(5000 + OUTAGE);
    expect(failed.data.at - opened).toBeLessThan(5000 + OUTAGE + 500);
    expect(w.state.status).toBe('rolled-back');
  });

  it('given an outage longer than the progress deadline between two batches, then the rollout is not stalled and goes on', () => {
    const w = new World(
      startCommand({
        tasks: tasksOn(['h1', 'h2'], 1),
        policy: policy({ progressDeadline: 10_000, delayBetweenBatches: 1000 }),
      }),
    );
    w.runUntil((e) => e.type === 'BatchCompleted');
    const completed = w.state.lastBatchCompletedAt as number;

    storeOutage(w, OUTAGE);
    const next = nextSteps(w.state, { now: w.now });
    w.run();

    // The delay between batches is still to wait: 1 s after the batch, outage not counted.
    expect(next.map((s) => s.effect)).toEqual([{ kind: 'wait', until: completed + OUTAGE + 1000 }]);
    expect(w.state.status).toBe('succeeded');
  });

  it('given the monitor window open, then it ends the outage later, and every task is watched as long as before', () => {
    const w = new World(
      startCommand({ tasks: tasksOn(['h1'], 1), policy: policy({ minHealthyTime: 500, monitor: 3000 }) }),
    );
    w.runUntil((e) => e.type === 'RolloutMonitoringStarted');
    const until = (w.state.monitor?.until ?? 0) as number;

    storeOutage(w, OUTAGE);
    expect(toRolloutView(w.state).monitorUntil).toBe(new Date(until + OUTAGE).toISOString());
    w.run();

    expect(w.state.status).toBe('succeeded');
    expect(
      eventsOf(w, 'RolloutHealthCheckPassed').filter(
        (e) => e.data.at > w.events.find((x) => x.type === 'RolloutWaitedOnStore')!.data.at,
      ),
    ).toHaveLength(12);
  });

  it('a replay of the stream reaches the same decision as the runner that waited, and adds up the waits', () => {
    const w = new World(
      startCommand({ tasks: tasksOn(['h1'], 1), policy: policy({ minHealthyTime: 2000, healthyDeadline: 5000 }) }),
    );
    w.runUntil((e) => e.type === 'RolloutHealthCheckPassed');
    storeOutage(w, OUTAGE);
    storeOutage(w, 1000);

    const replayed = foldRollout([...w.events]) as ActiveRollout;
    expect(replayed.waitedOnStoreMs).toBe(OUTAGE + 1000);
    expect(nextSteps(replayed, { now: w.now })).toEqual(nextSteps(w.state, { now: w.now }));
    expect(nextSteps(replayed, { now: w.now })[0].effect.kind).toBe('probe-health');
  });
});
