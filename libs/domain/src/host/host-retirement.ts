import type { DroppedHost, HostHold } from '@cj/api';
import type { JobState } from '../job/state';
import type { HostState } from './state';

/** What the log knows when a jobs file is applied, for the retirement rule. */
export interface HostRetirementInput {
  /** Hosts the environment has declared, as their streams fold (those the file names are skipped). */
  readonly declared: readonly HostState[];
  /** The hosts the applied jobs file names. */
  readonly named: readonly string[];
  /** Every job of the environment, by name, as its stream folds. */
  readonly jobs: Readonly<Record<string, JobState>>;
}

/**
 * The retirement rule: a declared host the jobs file no longer names is retired when nothing of cj
 * is left on it, and kept (still observed, still reachable by rollouts) while something is. What
 * holds it: a task's container the log records running there; a running container with cj's labels
 * that no task accounts for; a rollout in progress of a job with any container there, since its
 * rollback starts the stopped old containers again.
 *
 * Apply decides it, not the observation loop: the person who dropped the host sees the answer
 * at once, the loop never writes to a host's stream behind an operator's back, and "nothing runs
 * there" is what the log says, the same facts `cj status` shows. Retiring a host that still runs a
 * container would leave that container where no cj command looks again.
 */
export function planHostRetirements({ declared, named, jobs }: HostRetirementInput): DroppedHost[] {
  const inFile = new Set(named);
  return declared
    .flatMap((state) =>
      state.declared && !inFile.has(state.declared.name) ? [{ name: state.declared.name, state }] : [],
    )
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(({ name, state }) => {
      const holds = [...taskHolds(name, jobs), ...unexpectedHolds(state), ...rolloutHolds(name, jobs)];
      return { host: name, action: holds.length === 0 ? 'retire' : 'keep', holds };
    });
}

function taskHolds(host: string, jobs: Readonly<Record<string, JobState>>): HostHold[] {
  return Object.entries(jobs).flatMap(([name, job]) =>
    Object.entries(job.tasks).flatMap(([task, observed]) =>
      observed.containers
        .filter((container) => container.host === host && container.state === 'running')
        .map((container): HostHold => ({
          kind: 'task',
          job: name,
          task: Number(task),
          containerId: container.containerId,
        })),
    ),
  );
}

function unexpectedHolds(state: HostState): HostHold[] {
  return Object.entries(state.unexpected ?? {}).map(([containerId, { job, task }]): HostHold => ({
    kind: 'unexpected',
    job,
    task,
    containerId,
  }));
}

function rolloutHolds(host: string, jobs: Readonly<Record<string, JobState>>): HostHold[] {
  return Object.entries(jobs).flatMap(([name, job]): HostHold[] => {
    const there = Object.values(job.tasks).some((observed) =>
      observed.containers.some((container) => container.host === host),
    );
    return job.activeRolloutId !== undefined && there
      ? [{ kind: 'rollout', job: name, rolloutId: job.activeRolloutId }]
      : [];
  });
}
