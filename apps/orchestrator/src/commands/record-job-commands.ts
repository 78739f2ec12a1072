import { decideJob, evolveJob, isDomainError, jobStream, type JobCommand, type JobEvent } from '@cj/domain';
import { toEventData } from '../store/event-codec';
import type { Appended, StreamWriter } from '../store/stream-writer';
import { foldJob } from './job-stream';

/**
 * Decides several commands on one job in order (each sees the events of the ones before) and
 * appends all their events at once. A refused command throws its DomainError; nothing is written.
 */
export function recordJobCommands(writer: StreamWriter, env: string, job: string, commands: readonly JobCommand[], commandId: string): Promise<Appended> {
  if (commands.length === 0) return Promise.resolve({ events: 0 });
  return writer.decideAndAppend(jobStream(env, job), ({ records }) => {
    let state = foldJob(records);
    const events: JobEvent[] = [];
    for (const command of commands) {
      const decided = decideJob(command, state);
      if (isDomainError(decided)) throw decided;
      for (const event of decided) {
        events.push(event);
        state = evolveJob(state, event);
      }
    }
    return events.map((event, index) => toEventData(event, commandId, index));
  });
}
