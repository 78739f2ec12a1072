import { decideRollout } from './decide';
import type { RolloutEvent } from './events';
import { healthyUnless, policy, startCommand, T0, tasksOn, World } from './testing/world';

const eventsOf = (w: World, type: RolloutEvent['type']) => w.events.filter((e) => e.type === type);
const taskEvents = (w: World, task: number) =>
  w.events.filter((e) => 'task' in e.data && e.data.task === task).map((e) => e.type);

describe('rollout workflow', () => {
  it('updates every task, batch by batch, stop-first, and removes replaced containers beyond the kept ones', () => {
    const w = new World(
      startCommand({ tasks: tasksOn(['h1', 'h2', 'h3'], 2), policy: policy({ maxParallel: 2, keepReplaced: 0 }) }),
    ).run();

    expect(w.state.status).toBe('succeeded');
    expect(eventsOf(w, 'BatchCompleted')).toHaveLength(3);
    for (const task of [0, 1, 2, 3, 4, 5]) {
      expect(w.running(task).map((c) => c.revision)).toEqual([2]);
      expect(
        taskEvents(w, task).filter((t) => !t.startsWith('RolloutHealthCheck') && t !== 'UpdatedTaskChecked'),
      ).toEqual([
        'TaskUpdateStarted',
        'ContainerStopRequested',
        'RolloutContainerStopped',
        'ContainerCreateRequested',
        'RolloutContainerCreated',
        'ContainerStartRequested',
        'RolloutContainerStarted',
        'TaskUpdated',
        'ReplacedContainersRemoved',
      ]);
    }
    expect(w.containers.filter((c) => c.revision === 1).every((c) => c.removed)).toBe(true);
    expect(w.types().at(-1)).toBe('RolloutSucceeded');
    // Every updated task is checked again at each batch boundary until the end: batch k's tasks 3 − k times.
    const checks = (task: number) => taskEvents(w, task).filter((t) => t === 'UpdatedTaskChecked').length;
    expect([0, 2, 4, 1, 3, 5].map(checks)).toEqual([3, 3, 2, 2, 1, 1]);
  });

  it('keeps keepReplaced stopped containers per task for a quick rollback', () => {
    const w = new World(startCommand({ policy: policy({ keepReplaced: 1 }) })).run();
    expect(w.containers.filter((c) => c.revision === 1).map((c) => [c.running, c.removed])).toEqual([
      [false, false],
      [false, false],
    ]);
  });

  it('moves tasks two at a time with maxParallel 2, on different hosts', () => {
    const w = new World(startCommand({ tasks: tasksOn(['h1', 'h2', 'h3'], 2), policy: policy({ maxParallel: 2 }) }));
    expect(w.state.batches).toEqual([
      [0, 2],
      [4, 1],
      [3, 5],
    ]);
    w.run();
    const starts = eventsOf(w, 'TaskUpdateStarted').map((e) => (e.data as { task: number }).task);
    expect(starts).toEqual([0, 2, 1, 4, 3, 5]);
  });

  it('holds each task until its health check has passed continuously for minHealthyTime', () => {
    // task 0 of revision 2 fails its checks from 400 to 600 ms after starting: its streak starts again.
    const w = new World(
      startCommand({ policy: policy({ minHealthyTime: 1000 }) }),
      (task, _rev, at, started) => !(task === 0 && at - started >= 400 && at - started < 600),
    ).run();
    const started = w.events.find((e) => e.type === 'RolloutContainerStarted' && e.data.task === 0)?.data as {
      at: number;
    };
    const updated = w.events.find((e) => e.type === 'TaskUpdated' && e.data.task === 0)?.data as { at: number };
    expect(eventsOf(w, 'RolloutHealthCheckFailed').length).toBeGreaterThan(0);
    expect(updated.at - started.at).toBeGreaterThanOrEqual(1500);
    expect(w.state.status).toBe('succeeded');
  });

  it('rolls back when a task is not healthy by its deadline: the kept old containers run again, new ones are removed', () => {
    const w = new World(
      startCommand({
        tasks: tasksOn(['h1', 'h2', 'h3'], 1),
        policy: policy({ healthyDeadline: 3000, minHealthyTime: 500 }),
      }),
      (task, revision) => revision !== 2 || task === 0,
    ).run();

    expect(w.state.status).toBe('rolled-back');
    const failed = eventsOf(w, 'TaskUpdateFailed')[0].data as { task: number; reason: string };
    expect(failed.task).toBe(1);
    expect(failed.reason).toMatch(/not healthy for 0.5s within the healthy deadline of 3s .*last: GET \/health → 404/);
    expect(w.state.reason).toMatch(/^task 1 on h2 failed: not healthy/);
    for (const task of [0, 1, 2]) expect(w.running(task).map((c) => c.id)).toEqual([`old-${task}`]);
    expect(w.containers.filter((c) => c.byRollout).every((c) => c.removed)).toBe(true);
    // task 2 was never touched: nothing is done to it.
    expect(taskEvents(w, 2)).toEqual([]);
    expect(eventsOf(w, 'TaskRolledBack').map((e) => (e.data as { task: number }).task)).toEqual([1, 0]);
  });

  it('reverts through the same gate and fails the rollout when an old container cannot be restored', () => {
    const w = new World(
      startCommand({ policy: policy({ healthyDeadline: 2000, minHealthyTime: 200 }) }),
      () => false,
    ).run();
    expect(w.state.status).toBe('failed');
    expect(w.state.reason).toMatch(/could not restore task 0 on h1 \(not healthy/);
  });

  it('pauses on failure with failureAction pause, restores the failed task, and continues after a resume', () => {
    const w = new World(
      startCommand({
        tasks: tasksOn(['h1', 'h2', 'h3'], 1),
        policy: policy({ failureAction: 'pause', healthyDeadline: 2000 }),
      }),
      (task, revision) => !(task === 0 && revision === 2),
    ).run();
    expect(w.state.status).toBe('paused');
    expect(w.running(0).map((c) => c.id)).toEqual(['old-0']);
    expect(taskEvents(w, 1)).toEqual([]);

    const resumedAt = w.now + 5000;
    w.run([{ at: resumedAt, apply: (s, now) => decideRollout({ type: 'ResumeRollout', data: { id: 'r' }, now }, s) }]);
    expect(w.state.status).toBe('succeeded');
    expect(eventsOf(w, 'RolloutSucceeded')[0]).toMatchObject({ data: { failedTasks: [0] } });
    expect(w.running(1).map((c) => c.revision)).toEqual([2]);
    expect(w.running(0).map((c) => c.revision)).toEqual([1]);
  });

  it('tolerates failures up to maxFailureRatio and takes the failure action beyond it', () => {
    const oneBad = new World(
      startCommand({
        tasks: tasksOn(['h1', 'h2', 'h3', 'h4'], 1),
        policy: policy({ maxFailureRatio: 0.25, healthyDeadline: 1500 }),
      }),
      (task, revision) => !(task === 1 && revision === 2),
    ).run();
    expect(oneBad.state.status).toBe('succeeded');
    expect(oneBad.running(1).map((c) => c.id)).toEqual(['old-1']);

    const twoBad = new World(
      startCommand({
        tasks: tasksOn(['h1', 'h2', 'h3', 'h4'], 1),
        policy: policy({ maxFailureRatio: 0.25, healthyDeadline: 1500 }),
      }),
      (task, revision) => !(task <= 1 && revision === 2),
    ).run();
    expect(twoBad.state.status).toBe('rolled-back');
    expect(twoBad.state.reason).toMatch(/2 of 4 tasks failed, more than the 1 allowed/);
    for (const task of [0, 1, 2, 3]) expect(twoBad.running(task).map((c) => c.revision)).toEqual([1]);
  });

  it('starts the new container before stopping the old one with order start-first', () => {
    const tasks = tasksOn(['h1'], 1).map((t) => ({ ...t, port: 9090, fromPort: 8080 }));
    const w = new World(startCommand({ tasks, policy: policy({ order: 'start-first' }) })).run();
    expect(w.performed).toEqual([
      'create-container 0 new',
      'start-container 0 new',
      'stop-container 0 old',
      'check-container 0',
      'remove-replaced 0',
      'remove-leftovers',
    ]);
    expect(w.state.status).toBe('succeeded');
  });

  it('start-first that fails leaves the old container running untouched', () => {
    const tasks = tasksOn(['h1'], 1).map((t) => ({ ...t, port: 9090, fromPort: 8080 }));
    const w = new World(
      startCommand({ tasks, policy: policy({ order: 'start-first', healthyDeadline: 1000 }) }),
      healthyUnless(2),
    ).run();
    expect(w.state.status).toBe('rolled-back');
    expect(w.performed).toEqual(['create-container 0 new', 'start-container 0 new', 'remove-container 0 new']);
    expect(w.running(0).map((c) => c.id)).toEqual(['old-0']);
  });

  it('takes the failure action when no task completes within the progress deadline', () => {
    const w = new World(
      startCommand({ policy: policy({ healthyDeadline: 60_000, progressDeadline: 4000 }) }),
      (_task, revision) => revision !== 2,
    ).run();
    expect(w.state.status).toBe('rolled-back');
    expect(w.state.reason).toBe('no task completed its update within the progress deadline of 4s');
    expect(w.running(0).map((c) => c.id)).toEqual(['old-0']);
  });

  it('waits delayBetweenBatches between batches', () => {
    const w = new World(startCommand({ policy: policy({ delayBetweenBatches: 10_000 }) })).run();
    const [done0] = eventsOf(w, 'BatchCompleted');
    const secondStart = eventsOf(w, 'TaskUpdateStarted')[1];
    expect(secondStart.data.at - done0.data.at).toBe(10_000);
  });

  it('aborts: the task in flight and the updated one get their old containers back, nothing new starts', () => {
    const w = new World(
      startCommand({ tasks: tasksOn(['h1', 'h2', 'h3'], 1), policy: policy({ minHealthyTime: 2000 }) }),
    );
    const firstUpdated = () => w.events.some((e) => e.type === 'TaskUpdated');
    w.run([
      {
        at: T0 + 3000,
        apply: (s, now) =>
          firstUpdated() ? decideRollout({ type: 'AbortRollout', data: { id: 'r', reason: 'wrong tag' }, now }, s) : [],
      },
    ]);
    expect(w.state.status).toBe('aborted');
    expect(w.state.reason).toBe('wrong tag');
    expect(w.running(0).map((c) => c.id)).toEqual(['old-0']);
    expect(w.running(1).map((c) => c.id)).toEqual(['old-1']);
    expect(taskEvents(w, 0)).toContain('TaskRolledBack');
    expect(taskEvents(w, 1)).toContain('TaskRolledBack');
    expect(taskEvents(w, 2)).toEqual([]);
  });

  it('pause lets the task in flight finish and starts no new one until resumed', () => {
    const w = new World(startCommand({ tasks: tasksOn(['h1', 'h2'], 1) }));
    // The pull phase takes no time here, so that the pause lands while task 0 is in flight.
    w.pullCost = 0;
    w.run([{ at: T0 + 200, apply: (s, now) => decideRollout({ type: 'PauseRollout', data: { id: 'r' }, now }, s) }]);
    expect(w.state.status).toBe('paused');
    expect(w.state.tasks.map((t) => t.phase)).toEqual(['updated', 'pending']);
    w.run([
      { at: w.now + 1000, apply: (s, now) => decideRollout({ type: 'ResumeRollout', data: { id: 'r' }, now }, s) },
    ]);
    expect(w.state.status).toBe('succeeded');
  });

  it('creates every task when the job never ran (no old revision)', () => {
    const w = new World(startCommand({ fromRevision: undefined })).run();
    expect(w.state.status).toBe('succeeded');
    expect(eventsOf(w, 'RolloutContainerStopped').map((e) => (e.data as { containerId: unknown }).containerId)).toEqual(
      [null, null],
    );
  });
});
