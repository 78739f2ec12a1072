import {
  containerFacts,
  endRolloutCommand,
  neverStartedCommand,
  type ActiveRollout,
  type CommandMetadata,
  type RolloutEvent,
} from '@cj/domain';
import { v5 as uuidv5 } from 'uuid';
import { recordJobCommands } from '../store/record-job-commands';
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
    const metadata = this.metadata(rollout.id, commandId, `rollout ${rollout.id} of ${rollout.job}`);
    await recordJobCommands(
      this.writer,
      rollout.env,
      rollout.job,
      (state) => containerFacts(rollout, outcome, state, metadata),
      commandId,
    );
  }

  async ended(rollout: ActiveRollout): Promise<void> {
    const commandId = uuidv5(`${rollout.env}/${rollout.id}/ended`, JOB_RECORD_NAMESPACE);
    const metadata = this.metadata(rollout.id, commandId, rollout.reason ?? `rollout ${rollout.id} ${rollout.status}`);
    await recordJobCommands(
      this.writer,
      rollout.env,
      rollout.job,
      (job) => [endRolloutCommand(rollout, job, metadata)],
      commandId,
    );
  }

  async neverStarted(env: string, job: string, rolloutId: string): Promise<void> {
    const commandId = uuidv5(`${env}/${rolloutId}/never-started`, JOB_RECORD_NAMESPACE);
    const metadata = this.metadata(
      rolloutId,
      commandId,
      `rollout ${rolloutId} never began: its start was interrupted before its first step`,
    );
    await recordJobCommands(this.writer, env, job, [neverStartedCommand(job, rolloutId, metadata)], commandId);
  }

  private metadata(rolloutId: string, commandId: string, reason: string): CommandMetadata {
    return {
      commandId,
      actor: 'orchestrator',
      reason,
      correlationId: rolloutId,
      occurredAt: new Date(this.now()).toISOString(),
      cjVersion: this.cjVersion,
    };
  }
}
