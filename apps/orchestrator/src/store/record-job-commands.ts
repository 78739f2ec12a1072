import {
  decideJob,
  evolveJob,
  isDomainError,
  jobStream,
  type JobCommand,
  type JobEvent,
  type JobState,
} from '@cj/domain';
import { toEventData } from './event-codec';
import type { Appended, LoadedStream, StreamWriter } from './stream-writer';
import { foldJob } from './job-stream';

/**
 * Decides several commands on one job in order (each sees the events of the ones before) and
 * appends all their events at once. A refused command throws its DomainError; nothing is written.
 * The commands may be derived from the job's state as loaded for the append (and loaded again when
 * the stream moved meanwhile).
 */
export function recordJobCommands(
  writer: StreamWriter,
  env: string,
  job: string,
  commands: readonly JobCommand[] | ((state: JobState) => readonly JobCommand[]),
  commandId: string,
  /** The job stream as the caller read it already: the first decision is made on it. */
  known?: LoadedStream,
): Promise<Appended> {
  if (Array.isArray(commands) && commands.length === 0) return Promise.resolve({ events: 0 });
  return writer.decideAndAppend(
    jobStream(env, job),
    ({ records }) => {
      const state = foldJob(records);
      const events = decideJobCommands(state, typeof commands === 'function' ? commands(state) : commands);
      return events.map((event, index) => toEventData(event, commandId, jobStream(env, job), index));
    },
    known,
  );
}

/** Decides commands on one job in order, each on the state the ones before left; a refusal throws its DomainError. */
export function decideJobCommands(state: JobState, commands: readonly JobCommand[]): JobEvent[] {
  const events: JobEvent[] = [];
  for (const command of commands) {
    const decided = decideJob(command, state);
    if (isDomainError(decided)) throw decided;
    for (const event of decided) {
      events.push(event);
      state = evolveJob(state, event);
    }
  }
  return events;
}
