import { decideAbort, decidePause, decideResume, decideStart } from './control';
import { RolloutError } from './errors';
import { planBatches } from './plan';
import { foldRollout } from './state';
import { policy, startCommand, World } from './testing/world';

const refusal = (f: () => unknown): RolloutError => {
  try {
    f();
  } catch (error) {
    if (error instanceof RolloutError) return error;
    throw error;
  }
  throw new Error('expected a RolloutError');
};

describe('rollout commands', () => {
  it("refuses start-first when the new container would take the old one's port", () => {
    const error = refusal(() =>
      decideStart(foldRollout([]), startCommand({ policy: policy({ order: 'start-first' }) })),
    );
    expect(error.code).toBe('INVALID_ROLLOUT');
    expect(error.message).toBe(
      'rollout of job web in prod: start-first would run two containers on port 8080 of host h1 (task 0) at once',
    );
    expect(error.hint).toMatch(/stop-first/);
  });

  it('refuses a min healthy time that no task could reach before its deadline', () => {
    const error = refusal(() =>
      decideStart(foldRollout([]), startCommand({ policy: policy({ minHealthyTime: 9000, healthyDeadline: 5000 }) })),
    );
    expect(error.message).toMatch(/minHealthyTime \(9000 ms\) is longer than healthyDeadline \(5000 ms\)/);
  });

  it('refuses a negative monitor window', () => {
    const error = refusal(() => decideStart(foldRollout([]), startCommand({ policy: policy({ monitor: -5000 }) })));
    expect(error.message).toBe('rollout of job web in prod: monitor must be 0 or more milliseconds, got -5000');
    expect(error.hint).toMatch(/duration such as 5s/);
  });

  it('refuses to pause, resume or abort a finished rollout', () => {
    const done = new World(startCommand()).run().state;
    for (const command of [decidePause, decideResume, decideAbort]) {
      expect(refusal(() => command(done, { id: done.id, now: 0 })).code).toBe('ROLLOUT_FINISHED');
    }
  });

  it('refuses to resume a running rollout only when it is neither running nor paused, and treats repeats as done', () => {
    const running = foldRollout(decideStart(foldRollout([]), startCommand()));
    expect(decideResume(running, { id: 'x', now: 0 })).toEqual([]);
    const paused = foldRollout([
      ...decideStart(foldRollout([]), startCommand()),
      ...decidePause(running, { id: 'x', now: 1 }),
    ]);
    expect(decidePause(paused, { id: 'x', now: 2 })).toEqual([]);
  });

  it('names the missing rollout', () => {
    expect(refusal(() => decidePause(foldRollout([]), { id: 'abc', now: 0 })).message).toBe(
      'rollout abc does not exist',
    );
  });
});

describe('planBatches', () => {
  it('takes the hosts in turn and fills batches of maxParallel', () => {
    const tasks = [
      { task: 0, host: 'a', port: 1 },
      { task: 1, host: 'a', port: 2 },
      { task: 2, host: 'b', port: 1 },
      { task: 3, host: 'c', port: 1 },
    ];
    expect(planBatches(tasks, 2)).toEqual([
      [0, 2],
      [3, 1],
    ]);
    expect(planBatches(tasks, 10)).toEqual([[0, 2, 3, 1]]);
  });

  it('refuses a batch size below one', () => {
    expect(() => planBatches([], 0)).toThrow('maxParallel must be a whole number of at least 1, got 0');
  });
});
