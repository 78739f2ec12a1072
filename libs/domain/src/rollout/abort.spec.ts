import { accepted } from '../errors';
import { decideRollout } from './decide';
import { ABORT_HEALTHY_DEADLINE, ABORT_MIN_HEALTHY_TIME, nextSteps } from './workflow';
import { rolloutEvent, type RolloutEvent } from './events';
import { foldRollout, type ActiveRollout } from './state';
import { policy, startCommand, T0, tasksOn, World, type Control, refused } from './testing/world';
import { toRolloutView } from './view';

const DAY = 24 * 60 * 60 * 1000;
/** The longest gate a jobs file allows: no task passes it within a test. */
const LONG_GATE = policy({ minHealthyTime: DAY, healthyDeadline: DAY, progressDeadline: DAY });

const abort = (at: number, reason = 'wrong tag'): Control => ({
  at,
  apply: (s, now) => decideRollout({ type: 'AbortRollout', data: { id: 'r', reason }, now }, s),
});
const only = <T extends RolloutEvent['type']>(w: World, type: T) =>
  w.events.filter((e): e is Extract<RolloutEvent, { type: T }> => e.type === type);
const one = <T extends RolloutEvent['type']>(w: World, type: T) => {
  const [event] = only(w, type);
  if (!event) throw new Error(`no ${type}`);
  return event;
};
const taskTypes = (w: World, task: number) =>
  w.events.filter((e) => 'task' in e.data && e.data.task === task).map((e) => e.type);

/** How long after the abort was recorded the rollout ended, on the recorded clock. */
const abortTook = (w: World): number => (w.state.endedAt as number) - one(w, 'RolloutAbortRequested').data.at;

describe('abort always ends a rollout, within seconds, whatever its policy says', () => {
  it('given a task in a 24 h gate, when aborted, then it is reverted through the short abort gate and the rollout ends', () => {
    const w = new World(startCommand({ policy: LONG_GATE })).run([abort(T0 + 3000)]);

    expect(w.state.status).toBe('aborted');
    expect(w.state.reason).toBe('wrong tag');
    expect(abortTook(w)).toBeLessThan(ABORT_HEALTHY_DEADLINE);
    expect(w.running(0).map((c) => c.id)).toEqual(['old-0']);
    expect(w.running(1).map((c) => c.id)).toEqual(['old-1']);
    expect(taskTypes(w, 1)).toEqual([]);
    // The revert's gate asked for the abort's 1 s of health, not the policy's 24 h.
    const restarted = only(w, 'RolloutContainerStarted').find((e) => e.data.role === 'old') as RolloutEvent;
    expect(one(w, 'TaskRolledBack').data.at - restarted.data.at).toBeGreaterThanOrEqual(ABORT_MIN_HEALTHY_TIME);
    expect(one(w, 'TaskRolledBack').data.at - restarted.data.at).toBeLessThan(2 * ABORT_MIN_HEALTHY_TIME);
    expect(w.state.tasks.map((t) => t.phase)).toEqual(['reverted', 'pending']);
  });

  it('given a task in its gate, when aborted, then the next step is its revert, not the gate’s next check', () => {
    const w = new World(startCommand({ policy: LONG_GATE }));
    w.runUntil((e) => e.type === 'RolloutHealthCheckPassed');
    expect(nextSteps(w.state, { now: w.now }).map((s) => s.effect.kind)).toEqual(['probe-health']);

    w.events.push(...accepted(decideRollout({ type: 'AbortRollout', data: { id: 'r' }, now: w.now }, w.state)));

    const [step] = nextSteps(w.state, { now: w.now });
    expect(step.events.map((e) => e.type)).toEqual(['TaskUpdateStarted', 'ContainerRemoveRequested']);
    expect(step.events[0]).toMatchObject({ data: { task: 0, direction: 'revert' } });
  });

  it('given a rollout rolling back through a 24 h revert gate, when aborted, then it ends at once, aborted', () => {
    // Revision 2 exits 2 s after its start: the gate fails at once and the rollback's revert gate would hold for 24 h.
    const w = new World(startCommand({ policy: LONG_GATE }), undefined, (_task, revision) =>
      revision === 2 ? { exitsAfter: 2000, exitCode: 3 } : {},
    );
    w.run([
      {
        at: T0 + 10_000,
        apply: (s, now) =>
          s.exists && s.status === 'rolling-back'
            ? decideRollout({ type: 'AbortRollout', data: { id: 'r' }, now }, s)
            : [],
      },
    ]);

    expect(only(w, 'RolloutRollbackStarted')).toHaveLength(1);
    expect(w.state.status).toBe('aborted');
    expect(w.state.reason).toBe('aborted by an operator');
    expect(abortTook(w)).toBeLessThan(ABORT_HEALTHY_DEADLINE);
    expect(w.running(0).map((c) => c.id)).toEqual(['old-0']);
  });

  it('given updated tasks, when aborted, then they are reverted too, newest first, as many at a time as maxParallel, each through the abort gate', () => {
    const w = new World(
      startCommand({
        tasks: tasksOn(['h1', 'h2', 'h3'], 1),
        policy: policy({ minHealthyTime: 3000, healthyDeadline: DAY, progressDeadline: DAY }),
      }),
    );
    w.runUntil((e) => e.type === 'TaskUpdated' && e.data.task === 1);
    w.run([abort(w.now)]);

    expect(w.state.status).toBe('aborted');
    expect(only(w, 'TaskRolledBack').map((e) => e.data.task)).toEqual([1, 0]);
    for (const task of [0, 1, 2]) expect(w.running(task).map((c) => c.id)).toEqual([`old-${task}`]);
    expect(taskTypes(w, 2)).toEqual([]);
    // One revert at a time (maxParallel 1), and no gate of the policy's 3 s.
    const starts = only(w, 'TaskUpdateStarted').filter((e) => e.data.direction === 'revert');
    const ends = only(w, 'TaskRolledBack');
    for (let i = 1; i < starts.length; i++) expect(starts[i].data.at).toBeGreaterThanOrEqual(ends[i - 1].data.at);
    for (const restarted of only(w, 'RolloutContainerStarted').filter((e) => e.data.role === 'old')) {
      const rolledBack = ends.find((e) => e.data.task === restarted.data.task)?.data as { at: number };
      expect(rolledBack.at - restarted.data.at).toBeLessThan(3000);
    }
  });

  it('given an old container that does not pass the abort gate, then the task is stuck, named in the reason, and the rollout still ends aborted', () => {
    let abortedAt = Infinity;
    const w = new World(startCommand({ policy: LONG_GATE }), (_task, revision, at) => revision === 2 || at < abortedAt);
    w.run([
      {
        at: T0 + 3000,
        apply: (s, now) => (
          (abortedAt = now),
          decideRollout({ type: 'AbortRollout', data: { id: 'r', reason: 'wrong tag' }, now }, s)
        ),
      },
    ]);

    expect(w.state.status).toBe('aborted');
    expect(w.state.reason).toMatch(
      /^wrong tag; then could not restore task 0 on h1 \(not healthy for 1s within the abort's deadline of 5s \(\d+ checks; last: GET \/health → 404\)\)$/,
    );
    expect(abortTook(w)).toBeLessThanOrEqual(ABORT_HEALTHY_DEADLINE + 1000);
    expect(w.state.tasks.map((t) => t.phase)).toEqual(['stuck', 'pending']);
  });

  it('given a wait between batches of 24 h, when aborted, then nothing waits: the updated task is reverted and the rollout ends', () => {
    const w = new World(startCommand({ policy: policy({ delayBetweenBatches: DAY, progressDeadline: 2 * DAY }) }));
    w.runUntil((e) => e.type === 'BatchCompleted');
    expect(nextSteps(w.state, { now: w.now }).map((s) => s.effect.kind)).toEqual(['wait']);

    w.run([abort(w.now + 10)]);

    expect(w.state.status).toBe('aborted');
    expect(abortTook(w)).toBeLessThan(ABORT_HEALTHY_DEADLINE);
    expect(w.running(0).map((c) => c.id)).toEqual(['old-0']);
  });

  it('given a gate opened before the abort, then the abort gate counts its deadline from the abort, as recorded', () => {
    // A revert gate of the rollback, failing since long before the abort: the abort gives it its own 5 s from then.
    const start = accepted(
      decideRollout(startCommand({ tasks: tasksOn(['h1'], 1), policy: LONG_GATE }), foldRollout([])),
    );
    const at = (ms: number) => T0 + ms;
    const events: RolloutEvent[] = [
      ...start,
      rolloutEvent('ImagePulled', { at: at(10), host: 'h1', digest: 'sha256:r2', ms: 10 }),
      rolloutEvent('TaskUpdateStarted', { at: at(20), task: 0, direction: 'forward' }),
      rolloutEvent('ContainerStopRequested', { at: at(20), task: 0, role: 'old', revision: 1 }),
      rolloutEvent('RolloutContainerStopped', { at: at(30), task: 0, role: 'old', containerId: 'old-0' }),
      rolloutEvent('TaskUpdateFailed', { at: at(40), task: 0, reason: 'creating failed' }),
      rolloutEvent('RolloutRollbackStarted', { at: at(40), reason: 'task 0 failed' }),
      rolloutEvent('TaskUpdateStarted', { at: at(50), task: 0, direction: 'revert' }),
      rolloutEvent('ContainerStartRequested', { at: at(50), task: 0, role: 'old', containerId: 'old-0' }),
      rolloutEvent('RolloutContainerStarted', {
        at: at(60),
        task: 0,
        role: 'old',
        containerId: 'old-0',
        restartCount: 0,
        startedAt: String(at(60)),
      }),
      rolloutEvent('RolloutHealthCheckFailed', {
        at: at(60_000),
        task: 0,
        containerId: 'old-0',
        detail: 'connection refused',
      }),
      rolloutEvent('RolloutAbortRequested', { at: at(60_100), reason: 'enough' }),
    ];
    const state = foldRollout(events) as ActiveRollout;
    expect(state.abortRequestedAt).toBe(at(60_100));

    const next = nextSteps(state, { now: at(60_200) });
    expect(next.map((s) => s.effect)).toEqual([expect.objectContaining({ kind: 'probe-health', at: at(60_100) })]);
    const late = [
      ...events,
      rolloutEvent('RolloutHealthCheckFailed', {
        at: at(60_100 + ABORT_HEALTHY_DEADLINE),
        task: 0,
        containerId: 'old-0',
        detail: 'connection refused',
      }),
    ];
    const [failed] = nextSteps(foldRollout(late), { now: at(65_200) });
    expect(failed.events).toEqual([
      expect.objectContaining({
        type: 'TaskUpdateFailed',
        data: expect.objectContaining({
          reason: expect.stringMatching(/^not healthy for 1s within the abort's deadline of 5s/),
        }),
      }),
    ]);
  });

  it('shows the rollout as aborting until it has ended', () => {
    const w = new World(startCommand({ policy: LONG_GATE }));
    w.runUntil((e) => e.type === 'RolloutHealthCheckPassed');
    w.events.push(...accepted(decideRollout({ type: 'AbortRollout', data: { id: 'r' }, now: w.now }, w.state)));
    expect(toRolloutView(w.state).phase).toBe('aborting');
    w.run();
    expect(toRolloutView(w.state).phase).toBe('aborted');
  });
});

describe('the abort command', () => {
  it('is accepted while running, paused or rolling back, and a repeat records nothing', () => {
    const started = accepted(decideRollout(startCommand(), foldRollout([])));
    const paused = [...started, rolloutEvent('RolloutPaused', { at: T0 + 1, reason: 'lunch' })];
    const rollingBack = [...started, rolloutEvent('RolloutRollbackStarted', { at: T0 + 1, reason: 'task 0 failed' })];
    for (const events of [started, paused, rollingBack]) {
      const asked = accepted(
        decideRollout({ type: 'AbortRollout', data: { id: 'r' }, now: T0 + 2 }, foldRollout(events)),
      );
      expect(asked).toEqual([rolloutEvent('RolloutAbortRequested', { at: T0 + 2, reason: 'aborted by an operator' })]);
      expect(
        decideRollout({ type: 'AbortRollout', data: { id: 'r' }, now: T0 + 3 }, foldRollout([...events, ...asked])),
      ).toEqual([]);
    }
  });

  it('leaves nothing to pause while aborting, and says to wait', () => {
    const aborting = foldRollout([
      ...accepted(decideRollout(startCommand(), foldRollout([]))),
      rolloutEvent('RolloutAbortRequested', { at: T0 + 1, reason: 'x' }),
    ]);
    const error = refused(decideRollout({ type: 'PauseRollout', data: { id: 'r' }, now: T0 + 2 }, aborting));
    expect(error.message).toMatch(/is aborting; only a running rollout can be paused/);
    expect(error.hint).toBe('an abort ends within seconds: wait for it');
  });
});
