import type { LeftoverContainersRemoved } from './events';
import { isLeftover } from './leftovers';
import { nextSteps } from './workflow';
import { healthyUnless, policy, startCommand, World } from './testing/world';

const leftoverEvents = (w: World) =>
  w.events.filter((e): e is LeftoverContainersRemoved => e.type === 'LeftoverContainersRemoved');

/** Three tasks of revision 1: 0 and 2 on h1, 1 on h2. */
const threeOnTwoHosts = [
  { task: 0, host: 'h1' },
  { task: 1, host: 'h2' },
  { task: 2, host: 'h1' },
];

describe('leftover containers', () => {
  it('scale down 3 → 2: the dropped task’s container is removed as the last step before success', () => {
    const tasks = [
      { task: 0, host: 'h1', port: 8080 },
      { task: 1, host: 'h2', port: 8080 },
    ];
    const w = new World(startCommand({ tasks }), undefined, undefined, threeOnTwoHosts).run();

    expect(w.types().slice(-2)).toEqual(['LeftoverContainersRemoved', 'RolloutSucceeded']);
    expect(leftoverEvents(w).map((e) => e.data.containers)).toEqual([[{ task: 2, host: 'h1', containerId: 'old-2' }]]);
    expect(w.performed.filter((p) => p === 'remove-leftovers')).toHaveLength(1);
    // The replaced containers kept for a quick rollback (keepReplaced 1) on their tasks' own hosts stay.
    expect(w.present()).toEqual(['0@h1:old-0 (stopped)', '1@h2:old-1 (stopped)', '0@h1:c1', '1@h2:c2']);
  });

  it('a moved task: its old container runs on the old host until the end, then goes as a leftover', () => {
    const tasks = [
      { task: 0, host: 'h1', port: 8080 },
      { task: 1, host: 'h2', port: 8080 },
    ];
    const before = [
      { task: 0, host: 'h1' },
      { task: 1, host: 'h1' },
    ];
    const w = new World(
      startCommand({ tasks, policy: policy({ keepReplaced: 1 }) }),
      undefined,
      undefined,
      before,
    ).runUntil((e) => e.type === 'TaskUpdated' && e.data.task === 1);

    // Stop-first on the new host finds nothing of the task: old and new run side by side on two hosts.
    const stops = w.events.filter((e) => e.type === 'RolloutContainerStopped' && e.data.task === 1);
    expect(stops).toMatchObject([{ data: { role: 'old', containerId: null } }]);
    expect(w.running(1).map((c) => `${c.host}:${c.id}`)).toEqual(['h1:old-1', 'h2:c2']);

    w.run();
    expect(w.state.status).toBe('succeeded');
    expect(leftoverEvents(w).map((e) => e.data.containers)).toEqual([[{ task: 1, host: 'h1', containerId: 'old-1' }]]);
    expect(w.present()).toEqual(['0@h1:old-0 (stopped)', '0@h1:c1', '1@h2:c2']);
  });

  it('rolling back a move (or a scale down) has no leftover step: the old placement runs again', () => {
    const tasks = [
      { task: 0, host: 'h1', port: 8080 },
      { task: 1, host: 'h2', port: 8080 },
    ];
    // Task 0 (not moved) passes; task 1, the moved one, fails its gate: both are reverted.
    const moved = new World(
      startCommand({ tasks, policy: policy({ healthyDeadline: 2000 }) }),
      (task, revision) => !(task === 1 && revision === 2),
      undefined,
      [
        { task: 0, host: 'h1' },
        { task: 1, host: 'h1' },
      ],
    ).run();
    expect(moved.state.status).toBe('rolled-back');
    expect(leftoverEvents(moved)).toEqual([]);
    expect(moved.containers.filter((c) => c.running).map((c) => `${c.task}@${c.host}:${c.id}`)).toEqual([
      '0@h1:old-0',
      '1@h1:old-1',
    ]);
    expect(moved.containers.filter((c) => c.byRollout).every((c) => c.removed)).toBe(true);

    const scaledDown = new World(
      startCommand({ tasks, policy: policy({ healthyDeadline: 2000 }) }),
      healthyUnless(2),
      undefined,
      threeOnTwoHosts,
    ).run();
    expect(scaledDown.state.status).toBe('rolled-back');
    expect(leftoverEvents(scaledDown)).toEqual([]);
    expect(scaledDown.running(2).map((c) => c.id)).toEqual(['old-2']);
  });

  it('leaves a task that failed within the allowed ratio where its old container runs, even off its target host', () => {
    const tasks = [
      { task: 0, host: 'h1', port: 8080 },
      { task: 1, host: 'h2', port: 8080 },
    ];
    const w = new World(
      startCommand({ tasks, policy: policy({ maxFailureRatio: 0.5, healthyDeadline: 1500 }) }),
      (task, revision) => !(task === 1 && revision === 2),
      undefined,
      [
        { task: 0, host: 'h1' },
        { task: 1, host: 'h1' },
      ],
    ).run();

    expect(w.state.status).toBe('succeeded');
    expect(leftoverEvents(w).map((e) => e.data.containers)).toEqual([[]]);
    expect(w.running(1).map((c) => `${c.host}:${c.id}`)).toEqual(['h1:old-1']);
  });

  it('after a crash in the middle of the step, the next runner removes what is left and the rollout succeeds', () => {
    const tasks = [{ task: 0, host: 'h1', port: 8080 }];
    const before = [
      { task: 0, host: 'h1' },
      { task: 1, host: 'h1' },
      { task: 2, host: 'h2' },
    ];
    const w = new World(startCommand({ tasks }), undefined, undefined, before);
    w.runUntil((e) => e.type === 'ReplacedContainersRemoved');
    expect(nextSteps(w.state, { now: w.now })).toMatchObject([
      { key: 'rollout', events: [], effect: { kind: 'remove-leftovers', placement: [{ task: 0, host: 'h1' }] } },
    ]);

    // The crashed runner had removed task 1's container; no outcome was recorded.
    Object.assign(w.containers.find((c) => c.id === 'old-1') ?? {}, { running: false, removed: true });
    w.run();

    expect(w.state.status).toBe('succeeded');
    expect(leftoverEvents(w).map((e) => e.data.containers)).toEqual([[{ task: 2, host: 'h2', containerId: 'old-2' }]]);
    expect(w.present()).toEqual(['0@h1:old-0 (stopped)', '0@h1:c1']);
    // Once its outcome is recorded, the step is not asked for again.
    expect(nextSteps(w.state, { now: w.now })).toEqual([]);
  });

  it('reports the leftovers of a host that does not answer as not removed, and still succeeds', () => {
    const tasks = [{ task: 0, host: 'h1', port: 8080 }];
    const w = new World(startCommand({ tasks }), undefined, undefined, [
      { task: 0, host: 'h1' },
      { task: 1, host: 'h2' },
    ]);
    w.unreachable.add('h2');
    w.run();

    expect(w.state.status).toBe('succeeded');
    expect(leftoverEvents(w)).toMatchObject([
      { data: { containers: [], failures: [{ host: 'h2', reason: 'host h2 does not answer' }] } },
    ]);
    expect(w.running(1).map((c) => c.id)).toEqual(['old-1']);
  });
});

describe('isLeftover', () => {
  const placement = [{ task: 0, host: 'h1' }, { task: 1 }];
  const known = new Set([1, 2]);

  it('is a container of a task the placement lacks, or on another host than its task’s', () => {
    expect(isLeftover(placement, { task: 2, revision: 2, host: 'h1' }, known)).toBe(true);
    expect(isLeftover(placement, { task: 0, revision: 2, host: 'h2' }, known)).toBe(true);
  });

  it('is not a container on its task’s host, of a task restored to its old placement, or with a task label cj never sets', () => {
    expect(isLeftover(placement, { task: 0, revision: 2, host: 'h1' }, known)).toBe(false);
    expect(isLeftover(placement, { task: 1, revision: 2, host: 'h9' }, known)).toBe(false);
    expect(isLeftover(placement, { task: -1, revision: 2, host: 'h1' }, known)).toBe(false);
    expect(isLeftover(placement, { task: Number.NaN, revision: 2, host: 'h1' }, known)).toBe(false);
  });

  it('is not a container of a revision the job never recorded, wherever it runs', () => {
    expect(isLeftover(placement, { task: 2, revision: 77, host: 'h1' }, known)).toBe(false);
    expect(isLeftover(placement, { task: 0, revision: 77, host: 'h2' }, known)).toBe(false);
  });
});
