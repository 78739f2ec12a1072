/**
 * Where a cj rollout's time went, from the `at` of its own events: per task the docker operations
 * (stop, create, start), the wait for the first passing health check and the min-healthy gate; per
 * batch the lower bound (the slowest task's operations and first check, plus the min healthy
 * time); and every millisecond above the lower bound attributed to one named cause.
 */
import type { RolloutEvent } from '@cj/domain';

export interface TaskPhases {
  readonly task: number;
  readonly batch: number;
  readonly stopMs: number;
  readonly createMs: number;
  readonly startMs: number;
  /** From the container's start to the first passing check. */
  readonly firstHealthyMs: number;
  /** From the first passing check to the task counting as updated (the min healthy time, ideally). */
  readonly gateMs: number;
  /** Time of the pass spent between the steps: recording intents and outcomes, scheduling. */
  readonly stepGapsMs: number;
  readonly totalMs: number;
}

/** Overhead above the lower bound, by cause; the parts add up to `elapsed − lowerBound`. */
export interface Overhead {
  /** The request until the rollout's first event (HTTP, command handling, revision). */
  readonly requestMs: number;
  /** RolloutStarted until the first task starts (runner picking the rollout up). */
  readonly startupMs: number;
  /** The batch's last task starting after the batch began, or doing more work than the slowest. */
  readonly staggerMs: number;
  readonly stepGapsMs: number;
  /** The gate holding a task longer than the min healthy time. */
  readonly gateOvershootMs: number;
  /** The batch's last task updated until BatchCompleted: every task updated so far is checked again in between. */
  readonly batchTailMs: number;
  /** BatchCompleted until the next batch's first task starts. */
  readonly betweenBatchesMs: number;
  /** The last BatchCompleted until the terminal event (removing replaced containers). */
  readonly finishMs: number;
  /** The terminal event until the client saw it (polling). */
  readonly observeMs: number;
}

export interface RolloutPhases {
  readonly tasks: readonly TaskPhases[];
  readonly lowerBoundMs: number;
  readonly overhead: Overhead;
}

/** The rollout's events do not describe a complete forward rollout. */
export class IncompleteRolloutError extends Error {
  constructor(detail: string) {
    super(`cannot time the rollout from its events: ${detail}`);
    this.name = 'IncompleteRolloutError';
  }
}

type Of<T extends RolloutEvent['type']> = Extract<RolloutEvent, { type: T }>;

function only<T extends RolloutEvent['type']>(
  events: readonly RolloutEvent[],
  type: T,
  where: (e: Of<T>) => boolean = () => true,
): Of<T> {
  const found = events.find((e): e is Of<T> => e.type === type && where(e as Of<T>));
  if (!found) throw new IncompleteRolloutError(`no ${type} event`);
  return found;
}

function taskPhases(events: readonly RolloutEvent[], task: number, batch: number): TaskPhases {
  const mine = events.filter((e) => 'task' in e.data && e.data.task === task);
  const began = only(mine, 'TaskUpdateStarted', (e) => e.data.direction === 'forward');
  const stop = only(mine, 'ContainerStopRequested', (e) => e.data.role === 'old');
  const stopped = only(mine, 'RolloutContainerStopped', (e) => e.data.role === 'old');
  const create = only(mine, 'ContainerCreateRequested', (e) => e.data.role === 'new');
  const created = only(mine, 'RolloutContainerCreated', (e) => e.data.role === 'new');
  const start = only(mine, 'ContainerStartRequested', (e) => e.data.role === 'new');
  const started = only(mine, 'RolloutContainerStarted', (e) => e.data.role === 'new');
  const healthy = only(mine, 'RolloutHealthCheckPassed', (e) => e.data.containerId === started.data.containerId);
  const updated = only(mine, 'TaskUpdated');
  const stopMs = stopped.data.at - stop.data.at;
  const createMs = created.data.at - create.data.at;
  const startMs = started.data.at - start.data.at;
  const firstHealthyMs = healthy.data.at - started.data.at;
  const gateMs = updated.data.at - healthy.data.at;
  const totalMs = updated.data.at - began.data.at;
  return {
    task,
    batch,
    stopMs,
    createMs,
    startMs,
    firstHealthyMs,
    gateMs,
    stepGapsMs: totalMs - (stopMs + createMs + startMs + firstHealthyMs + gateMs),
    totalMs,
  };
}

/** The work no rollout can skip: operations and first check, before the gate. */
const work = (t: TaskPhases): number => t.stopMs + t.createMs + t.startMs + t.firstHealthyMs;

/**
 * Times a forward rollout that succeeded. `requestedAt` and `observedAt` are the client's clock
 * around it (the same machine's clock as the events').
 */
export function rolloutPhases(
  events: readonly RolloutEvent[],
  minHealthyMs: number,
  requestedAt: number,
  observedAt: number,
): RolloutPhases {
  const started = only(events, 'RolloutStarted');
  const succeeded = only(events, 'RolloutSucceeded');
  const overhead = {
    requestMs: started.data.at - requestedAt,
    startupMs: 0,
    staggerMs: 0,
    stepGapsMs: 0,
    gateOvershootMs: 0,
    batchTailMs: 0,
    betweenBatchesMs: 0,
    finishMs: 0,
    observeMs: observedAt - succeeded.data.at,
  };
  const tasks: TaskPhases[] = [];
  let lowerBoundMs = 0;
  let previousEnd = started.data.at;
  started.data.batches.forEach((members, batch) => {
    const phases = members.map((task) => taskPhases(events, task, batch));
    tasks.push(...phases);
    const begins = members.map(
      (task) =>
        only(events, 'TaskUpdateStarted', (e) => e.data.task === task && e.data.direction === 'forward').data.at,
    );
    const begin = Math.min(...begins);
    const completed = only(events, 'BatchCompleted', (e) => e.data.batch === batch).data.at;
    const slowestWork = Math.max(...phases.map(work));
    lowerBoundMs += slowestWork + minHealthyMs;
    // The task that finished last decides the batch's length.
    const last = phases.reduce((a, b) =>
      begins[phases.indexOf(b)] + b.totalMs > begins[phases.indexOf(a)] + a.totalMs ? b : a,
    );
    const lastBegin = begins[phases.indexOf(last)];
    if (batch === 0) overhead.startupMs = begin - previousEnd;
    else overhead.betweenBatchesMs += begin - previousEnd;
    overhead.staggerMs += lastBegin - begin + work(last) - slowestWork;
    overhead.stepGapsMs += last.stepGapsMs;
    overhead.gateOvershootMs += last.gateMs - minHealthyMs;
    overhead.batchTailMs += completed - (lastBegin + last.totalMs);
    previousEnd = completed;
  });
  overhead.finishMs = succeeded.data.at - previousEnd;
  return { tasks, lowerBoundMs, overhead };
}
