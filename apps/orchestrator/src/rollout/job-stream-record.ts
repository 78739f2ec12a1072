import { containerFacts, decideJob, endRolloutCommand, evolveJob, isDomainError, jobStream, type ActiveRollout, type CommandMetadata, type JobEvent, type RolloutEvent } from '@cj/domain';
import { v5 as uuidv5 } from 'uuid';
import { foldJob } from '../commands/job-stream';
import { toEventData } from '../store/event-codec';
import type { StreamWriter } from '../store/stream-writer';
import type { RolloutJobRecord } from './rollout-ports';

const JOB_RECORD_NAMESPACE = 'a4d1f2c8-2b0e-4f7a-8d55-6c3e9b1f0e27';

/**
 * The rollout's record on its job's stream, decided by the job decider like every other job
 * change. Command ids derive from the rollout and the outcome, so a retried append is recognised.
 */
export class JobStreamRecord implements RolloutJobRecord {
  constructor(
    private readonly writer: StreamWriter,
    private readonly cjVersion: string,
    private readonly now: () => number,
  ) {}

  async containerFacts(rollout: ActiveRollout, outcome: readonly RolloutEvent[]): Promise<void> {
    const commandId = uuidv5(`${rollout.env}/${rollout.id}/${JSON.stringify(outcome)}`, JOB_RECORD_NAMESPACE);
    const metadata = this.metadata(rollout, commandId, `rollout ${rollout.id} of ${rollout.job}`);
    await this.writer.decideAndAppend(jobStream(rollout.env, rollout.job), ({ records }) => {
      let state = foldJob(records);
      const events: JobEvent[] = [];
      for (const command of containerFacts(rollout, outcome, state, metadata)) {
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

  async ended(rollout: ActiveRollout): Promise<void> {
    const commandId = uuidv5(`${rollout.env}/${rollout.id}/ended`, JOB_RECORD_NAMESPACE);
    const command = endRolloutCommand(rollout, this.metadata(rollout, commandId, rollout.reason ?? `rollout ${rollout.id} ${rollout.status}`));
    await this.writer.decideAndAppend(jobStream(rollout.env, rollout.job), ({ records }) => {
      const decided = decideJob(command, foldJob(records));
      if (isDomainError(decided)) throw decided;
      return decided.map((event, index) => toEventData(event, commandId, index));
    });
  }

  async neverStarted(env: string, job: string, rolloutId: string): Promise<void> {
    const commandId = uuidv5(`${env}/${rolloutId}/never-started`, JOB_RECORD_NAMESPACE);
    const reason = `rollout ${rolloutId} never began: its start was interrupted before its first step`;
    const metadata: CommandMetadata = { commandId, actor: 'orchestrator', reason, correlationId: rolloutId, occurredAt: new Date(this.now()).toISOString(), cjVersion: this.cjVersion };
    await this.writer.decideAndAppend(jobStream(env, job), ({ records }) => {
      const decided = decideJob({ type: 'EndRollout', data: { job, rolloutId, status: 'never-started' }, metadata }, foldJob(records));
      if (isDomainError(decided)) throw decided;
      return decided.map((event, index) => toEventData(event, commandId, index));
    });
  }

  private metadata(rollout: ActiveRollout, commandId: string, reason: string): CommandMetadata {
    return { commandId, actor: 'orchestrator', reason, correlationId: rollout.id, occurredAt: new Date(this.now()).toISOString(), cjVersion: this.cjVersion };
  }
}
