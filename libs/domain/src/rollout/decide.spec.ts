import { accepted } from '../errors';
import { decideRollout } from './decide';
import { planBatches } from './plan';
import { foldRollout } from './state';
import { policy, startCommand, World, refused } from './testing/world';

describe('rollout commands', () => {
  it("refuses start-first when the new container would take the old one's port", () => {
    const error = refused(decideRollout(startCommand({ policy: policy({ order: 'start-first' }) }), foldRollout([])));
    expect(error.code).toBe('INVALID_ROLLOUT');
    expect(error.message).toBe(
      'rollout of job web in prod: start-first would run two containers on port 8080 of host h1 (task 0) at once',
    );
    expect(error.hint).toMatch(/stop-first/);
  });

  it('refuses a min healthy time that no task could reach before its deadline', () => {
    const error = refused(
      decideRollout(startCommand({ policy: policy({ minHealthyTime: 9000, healthyDeadline: 5000 }) }), foldRollout([])),
    );
    expect(error.message).toMatch(/minHealthyTime \(9000 ms\) is longer than healthyDeadline \(5000 ms\)/);
  });

  it('refuses a negative monitor window', () => {
    const error = refused(decideRollout(startCommand({ policy: policy({ monitor: -5000 }) }), foldRollout([])));
    expect(error.message).toBe('rollout of job web in prod: monitor must be 0 or more milliseconds, got -5000');
    expect(error.hint).toMatch(/duration such as 5s/);
  });

  it('refuses to pause, resume or abort a finished rollout', () => {
    const done = new World(startCommand()).run().state;
    for (const type of ['PauseRollout', 'ResumeRollout', 'AbortRollout'] as const) {
      expect(refused(decideRollout({ type, data: { id: done.id }, now: 0 }, done)).code).toBe('ROLLOUT_FINISHED');
    }
  });

  it('refuses to resume a running rollout only when it is neither running nor paused, and treats repeats as done', () => {
    const running = foldRollout(accepted(decideRollout(startCommand(), foldRollout([]))));
    expect(decideRollout({ type: 'ResumeRollout', data: { id: 'x' }, now: 0 }, running)).toEqual([]);
    const paused = foldRollout([
      ...accepted(decideRollout(startCommand(), foldRollout([]))),
      ...accepted(decideRollout({ type: 'PauseRollout', data: { id: 'x' }, now: 1 }, running)),
    ]);
    expect(decideRollout({ type: 'PauseRollout', data: { id: 'x' }, now: 2 }, paused)).toEqual([]);
  });

  it('names the missing rollout', () => {
    expect(refused(decideRollout({ type: 'PauseRollout', data: { id: 'abc' }, now: 0 }, foldRollout([]))).message).toBe(
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
