import type { JobEvent } from './events';
import { replacesContainers } from '../diff/change-kind';
import { diffJobSpecs } from '../diff/diff-job-specs';
import { eventMetadata } from '../command-metadata';
import type { JobCommand, RecordHealthCheck, RegisterOrUpdateJob } from './commands';
import {
  type DomainError,
  JobNameMismatchError,
  JobNotFoundError,
  JobRemovedError,
  JobRunningError,
  RolloutInProgressError,
  UnknownRevisionError,
  UnknownTaskError,
} from '../errors';
import { unreachable } from '../unreachable';
import { hasRunningContainer, type JobState, taskOf } from './state';

/**
 * The job decider: what a command means given the job's history. Returns the events to append
 * (none when the command is already in effect, so retries and re-applies are harmless) or the
 * error that forbids it. Pure: time and ids arrive in the command's metadata.
 */
export function decideJob(command: JobCommand, state: JobState): readonly JobEvent[] | DomainError {
  const metadata = eventMetadata(command.metadata);
  switch (command.type) {
    case 'RegisterOrUpdateJob':
      return registerOrUpdate(command, state);
    case 'RemoveJob': {
      const job = command.data.job;
      if (state.status === 'removed') return [];
      const refused = refuse(state, job);
      if (refused) return refused;
      const blocked = removalRefusal(state, job);
      if (blocked) return blocked;
      return [{ type: 'JobRemoved', schemaVersion: 1, data: { job, lastRevision: state.lastRevision }, metadata }];
    }
    case 'RecordContainerStarted': {
      const data = command.data;
      const refused = refuse(state, data.job);
      if (refused) return refused;
      const spec = state.revisions[data.revision];
      if (!spec) return new UnknownRevisionError(data.job, data.revision);
      if (!spec.tasks.some((task) => task.index === data.task))
        return new UnknownTaskError(data.job, data.task, data.revision);
      const known = taskOf(state, data.task).containers.find((c) => c.containerId === data.containerId);
      if (known?.state === 'running') return [];
      return [{ type: 'ContainerStarted', schemaVersion: 1, data, metadata }];
    }
    case 'RecordContainerStopped':
    case 'RecordContainerExited': {
      const data = command.data;
      const refused = refuse(state, data.job, { allowRemoved: true });
      if (refused) return refused;
      const known = taskOf(state, data.task).containers.find((c) => c.containerId === data.containerId);
      if (known && known.state !== 'running') return [];
      return command.type === 'RecordContainerStopped'
        ? [{ type: 'ContainerStopped', schemaVersion: 1, data: command.data, metadata }]
        : [{ type: 'ContainerExited', schemaVersion: 1, data: command.data, metadata }];
    }
    case 'RecordContainerRestarted': {
      const data = command.data;
      const refused = refuse(state, data.job, { allowRemoved: true });
      if (refused) return refused;
      // Each restart once: a count the log already has (a resync after the stream saw it) records nothing.
      const known = taskOf(state, data.task).containers.find((c) => c.containerId === data.containerId);
      if (!known || (known.restartCount ?? 0) >= data.count) return [];
      return [{ type: 'ContainerRestarted', schemaVersion: 1, data, metadata }];
    }
    case 'RecordContainerRemoved': {
      const data = command.data;
      const refused = refuse(state, data.job, { allowRemoved: true });
      if (refused) return refused;
      // A container cj never recorded may still be one it made (found by label after a crash): record it.
      return [{ type: 'ContainerRemoved', schemaVersion: 1, data, metadata }];
    }
    case 'RecordJobStopped': {
      const refused = refuse(state, command.data.job);
      if (refused) return refused;
      if (state.stopped) return [];
      return [{ type: 'JobStopped', schemaVersion: 1, data: command.data, metadata }];
    }
    case 'RecordTaskRestarted':
    case 'RecordTaskRestartFailed': {
      const data = command.data;
      const refused = refuse(state, data.job);
      if (refused) return refused;
      // A rollout owns the job's containers until it ends.
      if (state.activeRolloutId !== undefined) return new RolloutInProgressError(data.job, state.activeRolloutId);
      const spec = state.revisions[data.revision];
      if (!spec) return new UnknownRevisionError(data.job, data.revision);
      if (!spec.tasks.some((task) => task.index === data.task))
        return new UnknownTaskError(data.job, data.task, data.revision);
      return command.type === 'RecordTaskRestarted'
        ? [{ type: 'TaskRestarted', schemaVersion: 1, data: command.data, metadata }]
        : [{ type: 'TaskRestartFailed', schemaVersion: 1, data: command.data, metadata }];
    }
    case 'RecordHealthCheck':
      return recordHealthCheck(command, state);
    case 'BeginRollout': {
      const data = command.data;
      const refused = refuse(state, data.job);
      if (refused) return refused;
      if (state.activeRolloutId === data.rolloutId) return [];
      if (state.activeRolloutId !== undefined) return new RolloutInProgressError(data.job, state.activeRolloutId);
      if (!state.revisions[data.toRevision]) return new UnknownRevisionError(data.job, data.toRevision);
      return [{ type: 'JobRolloutStarted', schemaVersion: 1, data, metadata }];
    }
    case 'EndRollout': {
      const data = command.data;
      const refused = refuse(state, data.job, { allowRemoved: true });
      if (refused) return refused;
      // Only the active rollout ends, once: a retried or late end mark records nothing.
      if (state.activeRolloutId !== data.rolloutId) return [];
      return [{ type: 'JobRolloutEnded', schemaVersion: 1, data, metadata }];
    }
    default:
      return unreachable(command);
  }
}

function registerOrUpdate(command: RegisterOrUpdateJob, state: JobState): readonly JobEvent[] | DomainError {
  const { spec } = command.data;
  if (state.name !== undefined && state.name !== spec.name) return new JobNameMismatchError(state.name, spec.name);
  const metadata = eventMetadata(command.metadata);
  const revision = state.lastRevision + 1;
  if (state.status !== 'active' || state.currentRevision === undefined) {
    return [{ type: 'JobRegistered', schemaVersion: 1, data: { job: spec.name, revision, spec }, metadata }];
  }
  const changes = diffJobSpecs(state.revisions[state.currentRevision], spec);
  if (changes.length === 0) return [];
  // Nothing a container is made from changed: the revision is current at once, and no container is replaced.
  const inPlace = !replacesContainers(changes);
  return [
    {
      type: 'JobRevisionCreated',
      schemaVersion: 1,
      data: { job: spec.name, revision, spec, changes, ...(inPlace && { inPlace }) },
      metadata,
    },
  ];
}

/**
 * Every check is recorded while a rollout gates on the task; otherwise only a change of health
 * is, so a steady job does not fill its stream with one event per poll.
 */
function recordHealthCheck(command: RecordHealthCheck, state: JobState): readonly JobEvent[] | DomainError {
  const { passed, detail, rolloutId: given, ...container } = command.data;
  const refused = refuse(state, container.job);
  if (refused) return refused;
  const metadata = eventMetadata(command.metadata);
  const rolloutId = given ?? state.activeRolloutId;
  const events: JobEvent[] = [];
  if (rolloutId !== undefined) {
    events.push(
      passed
        ? {
            type: 'HealthCheckPassed',
            schemaVersion: 1,
            data: { ...container, rolloutId, ...(detail !== undefined && { detail }) },
            metadata,
          }
        : {
            type: 'HealthCheckFailed',
            schemaVersion: 1,
            data: { ...container, rolloutId, detail: detail ?? 'check failed' },
            metadata,
          },
    );
  }
  const from = taskOf(state, container.task).health;
  const to = passed ? 'healthy' : 'unhealthy';
  if (from !== to) {
    events.push({
      type: 'TaskHealthChanged',
      schemaVersion: 2,
      data: { ...container, from, to, ...(detail !== undefined && { detail }) },
      metadata,
    });
  }
  return events;
}

/**
 * Why the job cannot be removed now (undefined: it can): a rollout of it is in progress, or a task
 * of it still runs. Apply asks it too, to refuse before anything is recorded and on a dry run.
 */
export function removalRefusal(state: JobState, job: string): DomainError | undefined {
  if (state.activeRolloutId) return new RolloutInProgressError(job, state.activeRolloutId);
  if (hasRunningContainer(state)) return new JobRunningError(job);
  return undefined;
}

function refuse(state: JobState, job: string, options: { allowRemoved?: boolean } = {}): DomainError | undefined {
  if (state.status === 'absent') return new JobNotFoundError(job);
  if (state.name !== job) return new JobNameMismatchError(state.name as string, job);
  if (state.status === 'removed' && !options.allowRemoved) return new JobRemovedError(job);
  return undefined;
}
