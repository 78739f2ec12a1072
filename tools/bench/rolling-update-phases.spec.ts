import { rolloutEvent, type RolloutEvent } from '@cj/domain';
import { IncompleteRolloutError, rolloutPhases } from './rolling-update-phases';

const policy = {
  maxParallel: 1,
  order: 'stop-first',
  minHealthyTime: 1000,
  healthyDeadline: 30_000,
  progressDeadline: 120_000,
  maxFailureRatio: 0,
  delayBetweenBatches: 0,
  failureAction: 'rollback',
  keepReplaced: 2,
} as const;

/** One forward pass of `task` starting at `t0`: stop 100, create 200, start 300, first check 400, gate 1050, 5 ms between steps. */
function pass(task: number, t0: number, work = { stop: 100, create: 200, start: 300, healthy: 400 }): RolloutEvent[] {
  const c = `c${task}`;
  let t = t0;
  const next = (ms: number) => (t += ms);
  return [
    rolloutEvent('TaskUpdateStarted', { at: t, task, direction: 'forward' }),
    rolloutEvent('ContainerStopRequested', { at: next(5), task, role: 'old', revision: 1 }),
    rolloutEvent('RolloutContainerStopped', { at: next(work.stop), task, role: 'old', containerId: `old${task}` }),
    rolloutEvent('ContainerCreateRequested', { at: next(5), task, role: 'new', revision: 2, name: `n${task}` }),
    rolloutEvent('RolloutContainerCreated', { at: next(work.create), task, role: 'new', containerId: c }),
    rolloutEvent('ContainerStartRequested', { at: next(5), task, role: 'new', containerId: c }),
    rolloutEvent('RolloutContainerStarted', { at: next(work.start), task, role: 'new', containerId: c }),
    rolloutEvent('RolloutHealthCheckPassed', { at: next(work.healthy), task, containerId: c }),
    rolloutEvent('TaskUpdated', { at: next(1050), task, revision: 2, containerId: c }),
  ];
}

const started = (batches: number[][]) =>
  rolloutEvent('RolloutStarted', {
    at: 1_000,
    id: 'r1',
    env: 'bench',
    job: 'web',
    fromRevision: 1,
    toRevision: 2,
    policy,
    probeInterval: 1000,
    tasks: batches.flat().map((task) => ({ task, host: `h${task}`, port: 18081 })),
    batches,
  });

describe('rolloutPhases', () => {
  it('times each task and attributes every millisecond above the lower bound to a cause', () => {
    // Batch 0: tasks 0 and 1 (task 1 starts 20 ms late and its container takes 100 ms longer to start).
    const batch0 = [...pass(0, 1_030), ...pass(1, 1_050, { stop: 100, create: 200, start: 400, healthy: 400 })];
    const batch0End = 1_050 + 15 + 100 + 200 + 400 + 400 + 1050; // task 1's TaskUpdated
    const batch1Start = batch0End + 40;
    const batch1 = pass(2, batch1Start);
    const batch1End = batch1Start + 15 + 1000 + 1050;
    const events: RolloutEvent[] = [
      started([[0, 1], [2]]),
      ...batch0,
      rolloutEvent('BatchCompleted', { at: batch0End + 10, batch: 0 }),
      ...batch1,
      rolloutEvent('BatchCompleted', { at: batch1End + 10, batch: 1 }),
      rolloutEvent('RolloutSucceeded', { at: batch1End + 300, failedTasks: [] }),
    ];

    const phases = rolloutPhases(events, 1000, 900, batch1End + 350);

    expect(phases.tasks[1]).toEqual({
      task: 1,
      batch: 0,
      stopMs: 100,
      createMs: 200,
      startMs: 400,
      firstHealthyMs: 400,
      gateMs: 1050,
      stepGapsMs: 15,
      totalMs: 2165,
    });
    expect(phases.lowerBoundMs).toBe(1100 + 1000 + 1000 + 1000);
    expect(phases.overhead).toEqual({
      requestMs: 100,
      startupMs: 30,
      staggerMs: 20,
      stepGapsMs: 30,
      gateOvershootMs: 100,
      batchTailMs: 20,
      betweenBatchesMs: 30,
      finishMs: 290,
      observeMs: 50,
    });
    const elapsed = batch1End + 350 - 900;
    const overhead = Object.values(phases.overhead).reduce((a, b) => a + b, 0);
    expect(phases.lowerBoundMs + overhead).toBe(elapsed);
  });

  it('refuses a rollout whose events stop short of success', () => {
    const events = [started([[0]]), ...pass(0, 1_030).slice(0, 5)];

    expect(() => rolloutPhases(events, 1000, 900, 5_000)).toThrow(IncompleteRolloutError);
  });
});
