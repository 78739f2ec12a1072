/**
 * A host's engine that does not answer a container step: frozen (it takes the call and carries it
 * out when it resumes, after cj gave up waiting), or down (it takes nothing). The step is never
 * taken for a failure while it may have been done: its intent stays open, and the runner asks the
 * engine what happened before the task's next step. No outcome leaves a task without a running
 * container unless the rollout fails naming it.
 */
import { decideRollout } from './decide';
import { nextSteps, UNANSWERED_RETRY_FIRST } from './workflow';
import { rolloutEvent, storedRolloutEvent, type RolloutEvent, type StoredRolloutEvent } from './events';
import { foldRollout } from './state';
import { healthyUnless, policy, startCommand, World } from './testing/world';
import { toRolloutView } from './view';

type Of<T extends RolloutEvent['type']> = Extract<RolloutEvent, { type: T }>;
const eventsOf = <T extends RolloutEvent['type']>(w: World, type: T) =>
  w.events.filter((e): e is Of<T> => e.type === type);
const is =
  <T extends RolloutEvent['type']>(type: T, task: number, role?: 'old' | 'new') =>
  (e: RolloutEvent): boolean =>
    e.type === type &&
    'task' in e.data &&
    e.data.task === task &&
    (role === undefined || ('role' in e.data && e.data.role === role));

/** Two tasks, h1 and h2, one at a time; gates of 1 s within 5 s; 60 s without progress ends it. */
const twoHosts = (over = {}) =>
  startCommand({ policy: policy({ minHealthyTime: 1000, healthyDeadline: 5000, progressDeadline: 60_000, ...over }) });
const FOREVER = Number.MAX_SAFE_INTEGER;

/** Every task runs exactly one container, on its own host, of this revision. */
function expectOneRunningContainerPerTask(w: World, revision: number): void {
  for (const t of w.command.data.tasks) {
    const running = w.running(t.task);
    expect(running.map((c) => [c.host, c.revision])).toEqual([[t.host, revision]]);
  }
}

describe('a container step its engine did not answer', () => {
  it('given the engine freezes as a revert removes the failed new container (carrying the remove out when it resumes), the remove is reconciled and the old container started again', () => {
    const w = new World(twoHosts(), healthyUnless(2)).runUntil(is('TaskUpdateFailed', 0));
    const resumes = w.now + 20_000;
    w.silence('h1', resumes, 'frozen').run();

    const unanswered = eventsOf(w, 'ContainerStepUnanswered');
    expect(unanswered.length).toBeGreaterThan(1);
    expect(unanswered.every((e) => e.data.task === 0 && e.data.role === 'new' && e.data.maybeDone)).toBe(true);
    expect(unanswered[0].data.reason).toBe('remove-container 0 new on host h1 failed: no answer within 2s');
    // Never a failure while the engine was silent: the task was not left stuck.
    expect(eventsOf(w, 'TaskUpdateFailed').map((e) => e.data.task)).toEqual([0]);
    // Nothing after the remove until the engine answered it.
    const removed = eventsOf(w, 'RolloutContainerRemoved').find(
      (e) => e.data.task === 0,
    ) as Of<'RolloutContainerRemoved'>;
    expect(removed.data.at).toBeGreaterThanOrEqual(resumes);
    const restarted = eventsOf(w, 'RolloutContainerStarted').find(
      (e) => e.data.task === 0 && e.data.role === 'old',
    ) as Of<'RolloutContainerStarted'>;
    expect(restarted.data.at).toBeGreaterThan(removed.data.at);
    expect(w.state.status).toBe('rolled-back');
    expect(w.state.tasks.map((t) => t.phase)).toEqual(['reverted', 'pending']);
    expectOneRunningContainerPerTask(w, 1);
  });

  it("given the engine freezes before a task's pass (its old container's stop times out, then is carried out), the stop is reconciled, finding the container stopped, and the pass goes on", () => {
    const w = new World(twoHosts()).runUntil(is('TaskUpdated', 0));
    const resumes = w.now + 20_000;
    w.silence('h2', resumes, 'frozen').run();

    expect(eventsOf(w, 'ContainerStepUnanswered').map((e) => [e.data.task, e.data.role])).toContainEqual([1, 'old']);
    const stopped = eventsOf(w, 'RolloutContainerStopped').find(
      (e) => e.data.task === 1,
    ) as Of<'RolloutContainerStopped'>;
    expect(stopped).toMatchObject({ data: { role: 'old', containerId: 'old-1' } });
    expect(stopped.data.at).toBeGreaterThanOrEqual(resumes);
    expect(w.state.status).toBe('succeeded');
    expectOneRunningContainerPerTask(w, 2);
  });

  it.each([
    ['a create', 'RolloutContainerStopped'],
    ['a start', 'RolloutContainerCreated'],
  ] as const)(
    'given %s that times out and is carried out when the engine resumes, the reconcile finds it done: one new container, running',
    (_name, after) => {
      const w = new World(twoHosts()).runUntil(is(after, 0));
      w.silence('h1', w.now + 15_000, 'frozen').run();

      expect(eventsOf(w, 'ContainerStepUnanswered').length).toBeGreaterThan(0);
      expect(w.state.status).toBe('succeeded');
      expect(w.containers.filter((c) => c.byRollout && c.task === 0).length).toBe(1);
      expectOneRunningContainerPerTask(w, 2);
    },
  );

  it('given a forward step whose engine cannot be reached at all, the task fails at once, as nothing was done: no retry, and its old container keeps running', () => {
    const w = new World(twoHosts()).runUntil(is('TaskUpdated', 0));
    w.silence('h2', FOREVER, 'down').run();

    expect(w.performed.filter((p) => p.startsWith('unanswered'))).toEqual(['unanswered stop-container 1 old']);
    const [failed] = eventsOf(w, 'TaskUpdateFailed');
    expect(failed).toMatchObject({
      data: { task: 1, reason: 'stop-container 1 old on host h2 failed: connection refused' },
    });
    expect(w.state.status).toBe('rolled-back');
    expect(w.state.reason).toBe(
      'task 1 on h2 failed: stop-container 1 old on host h2 failed: connection refused; 1 of 2 tasks failed, more than the 0 allowed by maxFailureRatio 0',
    );
    expectOneRunningContainerPerTask(w, 1);
  });

  it('given a revert step whose engine is down a while, it is asked again, less and less often, until the engine is back: the task is restored', () => {
    const w = new World(twoHosts(), healthyUnless(2)).runUntil(is('TaskUpdateFailed', 0));
    const back = w.now + 8_000;
    w.silence('h1', back, 'down').run();

    const attempts = eventsOf(w, 'ContainerStepUnanswered');
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    // The first call never reached the engine; a reconcile cannot tell (a runner cut by a crash may have made one that did).
    expect(attempts.map((e) => e.data.maybeDone)).toEqual([false, ...attempts.slice(1).map(() => true)]);
    const gaps = attempts.slice(1).map((e, i) => e.data.at - attempts[i].data.at);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(UNANSWERED_RETRY_FIRST * 2 ** i));
    expect(w.state.status).toBe('rolled-back');
    expectOneRunningContainerPerTask(w, 1);
  });

  it('given an engine that never answers again, the rollout fails at the progress deadline, naming the task and why', () => {
    const w = new World(twoHosts(), healthyUnless(2)).runUntil(is('TaskUpdateFailed', 0));
    w.silence('h1', FOREVER, 'frozen').run();

    expect(w.state.status).toBe('failed');
    expect(w.state.reason).toMatch(
      /^rollback made no progress within the progress deadline of 60s \(task 0 on h1 failed: .*\); task 0 on h1 cannot tell whether its step was done: its engine has not answered \d+ times \(last: remove-container 0 new on host h1 failed: no answer within 2s\)$/,
    );
    expect(w.state.tasks[0]).toMatchObject({ phase: 'reverting', pending: { type: 'ContainerRemoveRequested' } });
  });

  it("a task waiting on its engine holds up no other task's restore", () => {
    // Task 0 (h1) is updated; task 1 (h2) fails its gate; the rollback reverts task 1 first, newest first.
    const w = new World(twoHosts(), (task, revision) => !(task === 1 && revision === 2)).runUntil(
      is('TaskUpdateFailed', 1),
    );
    const resumes = w.now + 30_000;
    w.silence('h2', resumes, 'frozen').run();

    const restored = eventsOf(w, 'TaskRolledBack');
    expect(restored.map((e) => e.data.task)).toEqual([0, 1]);
    expect(restored[0].data.at).toBeLessThan(resumes);
    expect(w.state.status).toBe('rolled-back');
    expectOneRunningContainerPerTask(w, 1);
  });

  it('an abort waits for the silent engine, and the progress deadline bounds it, naming the task', () => {
    const w = new World(twoHosts(), healthyUnless(2)).runUntil(is('ContainerStopRequested', 0));
    const at = w.now;
    w.silence('h1', FOREVER, 'frozen').run([
      {
        at: at + 3000,
        apply: (state, now) =>
          decideRollout(
            { type: 'AbortRollout', data: { id: w.command.data.id, reason: 'operator gave up' }, now },
            state,
          ),
      },
    ]);

    expect(w.state.status).toBe('failed');
    expect(w.state.reason).toMatch(
      /^the abort made no progress within the progress deadline of 60s \(operator gave up\); task 0 on h1 cannot tell whether its step was done/,
    );
    expect(
      eventsOf(w, 'RolloutFailed')[0].data.at - eventsOf(w, 'RolloutAbortRequested')[0].data.at,
    ).toBeGreaterThanOrEqual(60_000);
  });
});

describe('decide, given an unanswered step', () => {
  const silenced = () => {
    const w = new World(twoHosts(), healthyUnless(2)).runUntil(is('TaskUpdateFailed', 0));
    return w.silence('h1', FOREVER, 'frozen').runUntil(is('ContainerStepUnanswered', 0));
  };

  it('waits a little, then asks for that same step again as a reconcile, never for a new intent', () => {
    const w = silenced();
    const last = w.events.at(-1) as Of<'ContainerStepUnanswered'>;
    const state = foldRollout(w.events);

    expect(nextSteps(state, { now: last.data.at + 1 })).toEqual([
      {
        key: 'task:0',
        events: [],
        effect: { kind: 'wait', until: last.data.at + UNANSWERED_RETRY_FIRST },
        reconcile: false,
      },
    ]);
    expect(nextSteps(state, { now: last.data.at + UNANSWERED_RETRY_FIRST })).toEqual([
      expect.objectContaining({
        key: 'task:0',
        events: [],
        reconcile: true,
        effect: expect.objectContaining({ kind: 'remove-container', role: 'new' }),
      }),
    ]);
  });

  it("shows in the rollout's view what the task waits for", () => {
    const view = toRolloutView(silenced().state);
    expect(view.tasks[0]).toMatchObject({
      phase: 'reverting',
      detail:
        'cannot tell whether its step was done: its engine has not answered once (last: remove-container 0 new on host h1 failed: no answer within 2s)',
    });
  });

  it('an outcome closes it: the next step of the pass follows', () => {
    const w = silenced();
    const intent = w.state.tasks[0].pending as StoredRolloutEvent<Of<'ContainerRemoveRequested'>>;
    // The state keeps the open intent flat, as the stream stores it (the read model keeps the state).
    expect(intent).toEqual(storedRolloutEvent(eventsOf(w, 'ContainerRemoveRequested').at(-1)!));
    const removed = rolloutEvent('RolloutContainerRemoved', {
      at: w.now,
      task: 0,
      role: 'new',
      containerId: intent.containerId,
    });
    const state = foldRollout([...w.events, removed]);

    expect(state.exists && state.tasks[0].unanswered).toBeUndefined();
    expect(nextSteps(state, { now: w.now })[0]).toMatchObject({
      reconcile: false,
      effect: { kind: 'start-container', role: 'old' },
    });
  });
});
