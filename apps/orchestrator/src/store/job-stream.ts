import type { RecordedEvent } from '@cj/event-store';
import { evolveJob, initialJobState, type DomainEvent, type JobEvent, type JobState } from '@cj/domain';
import { fromRecorded } from './event-codec';

const JOB_EVENT_TYPES = new Set<string>([
  'JobRegistered',
  'JobRevisionCreated',
  'JobRemoved',
  'ContainerStarted',
  'ContainerStopped',
  'ContainerExited',
  'ContainerRestarted',
  'ContainerRemoved',
  'JobStopped',
  'TaskRestarted',
  'TaskRestartFailed',
  'HealthCheckPassed',
  'HealthCheckFailed',
  'TaskHealthChanged',
  'JobRolloutStarted',
  'JobRolloutEnded',
] satisfies JobEvent['type'][]);

function isJobEvent(event: DomainEvent | undefined): event is JobEvent {
  return event !== undefined && JOB_EVENT_TYPES.has(event.type);
}

/** The job's events from its stream; events of other aggregates marking the stream are skipped. */
export function jobEvents(records: readonly RecordedEvent[]): JobEvent[] {
  return records.map(fromRecorded).filter(isJobEvent);
}

/** The job's state from its stream. */
export function foldJob(records: readonly RecordedEvent[]): JobState {
  return jobEvents(records).reduce(evolveJob, initialJobState());
}
