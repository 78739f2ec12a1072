/**
 * After a crash the runner only has the stream. For every point where a crash can cut a step
 * (an intent recorded, its outcome not), nextSteps must ask for that same step again, flagged as a
 * reconcile, and never a new intent.
 */
import { nextSteps } from './workflow';
import { rolloutEvent, type RolloutEvent } from './events';
import { foldRollout } from './state';
import { healthyUnless, policy, startCommand, tasksOn, World, type Lifecycle } from './testing/world';

/** The events of a whole rollout, cut right after the n-th event of `type`. */
function cutAfter(world: World, type: RolloutEvent['type'], nth = 0): RolloutEvent[] {
  let seen = -1;
  const index = world.events.findIndex((e) => e.type === type && ++seen === nth);
  if (index < 0) throw new Error(`no ${type} #${nth} in the rollout`);
  return world.events.slice(0, index + 1);
}

const success = () => new World(startCommand({ policy: policy({ minHealthyTime: 1000 }) })).run();
const crashAt2s: Lifecycle = (_task, revision) => (revision === 2 ? { exitsAfter: 2000, exitCode: 3 } : {});
/** Three batches of one; the first task's container exits after its gate and is found at the second boundary. */
const lostAfterGate = () =>
  new World(startCommand({ tasks: tasksOn(['h1', 'h2', 'h3'], 1) }), () => true, crashAt2s).run();
const lostInGate = () =>
  new World(
    startCommand({ policy: policy({ minHealthyTime: 3000, healthyDeadline: 30_000 }) }),
    () => true,
    crashAt2s,
  ).run();
const rollback = () =>
  new World(startCommand({ policy: policy({ healthyDeadline: 1000, minHealthyTime: 500 }) }), healthyUnless(2)).run();

describe('decide after a crash', () => {
  it.each([
    ['ContainerStopRequested', 'stop-container', 'old', success],
    ['ContainerCreateRequested', 'create-container', 'new', success],
    ['ContainerStartRequested', 'start-container', 'new', success],
    ['ContainerRemoveRequested', 'remove-container', 'new', rollback],
  ] as const)('given %s without its outcome, it reconciles %s of the %s container', (intent, kind, role, scenario) => {
    const world = scenario();
    const events = cutAfter(world, intent);
    const at = (events.at(-1)?.data as { at: number }).at;

    const steps = nextSteps(foldRollout(events), { now: at + 100 });

    expect(steps).toEqual([
      expect.objectContaining({
        key: 'task:0',
        events: [],
        reconcile: true,
        effect: expect.objectContaining({ kind, role }),
      }),
    ]);
  });

  it('given a create intent, the reconcile step names the same container, so the runner finds it before creating', () => {
    const world = success();
    const events = cutAfter(world, 'ContainerCreateRequested');
    const [step] = nextSteps(foldRollout(events), { now: 0 });
    expect(step.effect).toEqual(expect.objectContaining({ name: 'cj-prod-web-0-r2-r0000001', revision: 2 }));
  });

  it('given the restart of a kept old container in a rollback, it reconciles that start', () => {
    const world = rollback();
    const events = cutAfter(world, 'ContainerStartRequested', 1);
    const [step] = nextSteps(foldRollout(events), { now: 0 });
    expect(step).toMatchObject({
      reconcile: true,
      effect: { kind: 'start-container', role: 'old', containerId: 'old-0' },
    });
  });

  it('given a stop outcome, it goes on with the create intent', () => {
    const world = success();
    const events = cutAfter(world, 'RolloutContainerStopped');
    const [step] = nextSteps(foldRollout(events), { now: 5 });
    expect(step).toMatchObject({ reconcile: false, effect: { kind: 'create-container' } });
    expect(step.events.map((e) => e.type)).toEqual(['ContainerCreateRequested']);
  });

  it('mid health gate, it goes on checking the same container', () => {
    const world = success();
    const events = cutAfter(world, 'RolloutHealthCheckPassed');
    const started = events.find((e) => e.type === 'RolloutContainerStarted')?.data as { containerId: string };
    const [step] = nextSteps(foldRollout(events), { now: 0 });
    expect(step).toMatchObject({ events: [], effect: { kind: 'probe-health', containerId: started.containerId } });
  });

  it('mid rollback, it goes on reverting rather than updating', () => {
    const world = new World(
      startCommand({ tasks: startCommand().data.tasks, policy: policy({ maxParallel: 2, healthyDeadline: 1000 }) }),
      healthyUnless(2),
    ).run();
    const events = cutAfter(world, 'RolloutRollbackStarted');
    const state = foldRollout(events);
    const steps = nextSteps(state, { now: (events.at(-1)?.data as { at: number }).at });
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps)
      expect(step.events[0]).toMatchObject({ type: 'TaskUpdateStarted', data: { direction: 'revert' } });
  });

  it('given a fatal check recorded, it fails the task at once, and only once', () => {
    const events = cutAfter(lostInGate(), 'RolloutHealthCheckFailed');
    const [step] = nextSteps(foldRollout(events), { now: 0 });
    expect(step.events).toEqual([
      expect.objectContaining({
        type: 'TaskUpdateFailed',
        data: expect.objectContaining({ task: 0, reason: expect.stringMatching(/^container exited \(exit code 3\)/) }),
      }),
    ]);
    const after = foldRollout([...events, ...step.events]);
    expect(nextSteps(after, { now: 0 }).flatMap((s) => s.events.filter((e) => e.type === 'TaskUpdateFailed'))).toEqual(
      [],
    );
  });

  it('at a batch boundary, before any check is recorded, it asks to check every updated task and records nothing yet', () => {
    const world = lostAfterGate();
    const events = cutAfter(world, 'TaskUpdated', 1);
    const steps = nextSteps(foldRollout(events), { now: 0 });
    expect(steps).toEqual([
      expect.objectContaining({
        key: 'task:0',
        events: [],
        reconcile: false,
        effect: expect.objectContaining({ kind: 'check-container', batch: 1 }),
      }),
      expect.objectContaining({
        key: 'task:1',
        events: [],
        reconcile: false,
        effect: expect.objectContaining({ kind: 'check-container', batch: 1 }),
      }),
    ]);
  });

  it('given a failed check recorded, it fails that task (whatever else is still to check), and a repeated check changes nothing', () => {
    const world = lostAfterGate();
    const lost = world.events.find((e) => e.type === 'UpdatedTaskChecked' && !e.data.passed) as RolloutEvent;
    const events = world.events.slice(0, world.events.indexOf(lost) + 1);
    const [step] = nextSteps(
      foldRollout([...events, { ...lost, data: { ...lost.data, at: lost.data.at + 1 } } as RolloutEvent]),
      { now: 0 },
    );
    expect(step.events).toEqual([
      expect.objectContaining({
        type: 'TaskUpdateFailed',
        data: expect.objectContaining({ task: 0, reason: expect.stringMatching(/after it passed its health gate/) }),
      }),
    ]);
  });

  it('a finished rollout asks for nothing', () => {
    expect(nextSteps(foldRollout(success().events), { now: 0 })).toEqual([]);
  });

  it('a health check of a container the task no longer gates on changes nothing', () => {
    const world = success();
    const events = cutAfter(world, 'RolloutContainerStarted');
    const before = foldRollout(events);
    const after = foldRollout([
      ...events,
      rolloutEvent('RolloutHealthCheckPassed', { at: 1, task: 0, containerId: 'old-0' }),
    ]);
    expect(after).toEqual(before);
  });
});
