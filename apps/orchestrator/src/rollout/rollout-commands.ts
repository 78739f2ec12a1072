/**
 * The rollout commands, as the Nest handlers and any other caller use them: start (one active
 * rollout per job, by the job decider at the job stream's expected revision), pause, resume,
 * abort. Each reads, decides in the domain, and appends at the expected revision, retrying when
 * the stream moved.
 */
import {
  decideAbort,
  decideJob,
  decidePause,
  decideResume,
  decideStart,
  foldRollout,
  isDomainError,
  isFinished,
  jobStream,
  rolloutProbe,
  type JobSpec,
  type RolloutEvent,
  type RolloutState,
  type UpdatePolicy,
} from '@cj/domain';
import { WrongExpectedVersionError, type EventStore } from '@cj/event-store';
import { v5 as uuidv5 } from 'uuid';
import type { CommandContext } from '../commands/command-context';
import { foldJob } from '../commands/job-stream';
import { toEventData } from '../store/event-codec';
import type { StreamWriter } from '../store/stream-writer';
import type { Exclusive, RolloutJobRecord } from './rollout-ports';
import { RolloutStream, type EventMetadata } from './rollout-stream';

const ROLLOUT_ID_NAMESPACE = '8c0b8f3e-54a1-4d2b-b0f4-5e2d7a9c6b13';

export interface StartRolloutInput {
  readonly env: string;
  readonly job: string;
  readonly fromRevision?: number;
  readonly toRevision: number;
  /** The job at the target revision: its tasks, health check and update policy. */
  readonly spec: JobSpec;
  /** Ports the tasks listen on now (by task index), for start-first. */
  readonly fromPorts?: ReadonlyMap<number, number>;
  /** Policy fields the operator set for this rollout only. */
  readonly overrides?: Partial<UpdatePolicy>;
  readonly rollbackOf?: { readonly revision: number };
}

export interface RolloutChange {
  readonly id: string;
  readonly state: RolloutState;
  /** Global position of the last event written, when something was written. */
  readonly position?: bigint;
}

export class RolloutCommands {
  constructor(
    private readonly store: EventStore,
    private readonly writer: StreamWriter,
    private readonly jobs: RolloutJobRecord,
    /**
     * The environment's lock. A start holds it from its check to the rollout's first event, so
     * `up`/`down` (which hold it too) never act on a job whose rollout begins meanwhile, and a
     * job marked active without a rollout stream can only be left by a start that was cut off.
     */
    private readonly exclusive: Exclusive,
  ) {}

  /**
   * Starts a rollout. Its id derives from the environment, the job and the command id, so a
   * retried request finds the same rollout, and one request may start rollouts of several jobs.
   */
  start(input: StartRolloutInput, context: CommandContext): Promise<RolloutChange> {
    return this.exclusive(input.env, () => this.startHoldingLock(input, context));
  }

  private async startHoldingLock(input: StartRolloutInput, context: CommandContext): Promise<RolloutChange> {
    const id = rolloutIdOf(input.env, input.job, context.commandId);
    const now = Date.parse(context.occurredAt);
    await this.unfinishedHoldingLock(input.env, input.job);
    const beginId = uuidv5(`${id}/begin`, ROLLOUT_ID_NAMESPACE);
    const metadata = { ...context, commandId: beginId, correlationId: context.correlationId ?? context.commandId };
    const begun = await this.writer.decideAndAppend(jobStream(input.env, input.job), ({ records }) => {
      const decided = decideJob(
        { type: 'BeginRollout', data: { job: input.job, rolloutId: id, ...(input.fromRevision !== undefined && { fromRevision: input.fromRevision }), toRevision: input.toRevision }, metadata },
        foldJob(records),
      );
      if (isDomainError(decided)) throw decided;
      return decided.map((event, index) => toEventData(event, beginId, jobStream(input.env, input.job), index));
    });
    const stream = new RolloutStream(this.store, input.env, id);
    const loaded = await stream.load();
    if (loaded.state.exists) return { id, state: loaded.state, position: begun.position };
    const { spec } = input;
    const started = decideStart(loaded.state, {
      id,
      env: input.env,
      job: input.job,
      fromRevision: input.fromRevision,
      toRevision: input.toRevision,
      policy: { ...spec.update, ...definedOnly(input.overrides ?? {}) },
      ...rolloutProbe(spec.health),
      tasks: spec.tasks.map((t) => ({ task: t.index, host: t.host, port: t.port, fromPort: input.fromPorts?.get(t.index) })),
      rollbackOf: input.rollbackOf,
      now,
    });
    const appended = await stream.append(started, loaded.revision, this.metadata(context));
    return { id, state: foldRollout(started, loaded.state), position: appended.position };
  }

  pause(env: string, id: string, context: CommandContext): Promise<RolloutChange> {
    return this.control(env, id, context, (state, now) => decidePause(state, { id, reason: context.reason, now }));
  }

  resume(env: string, id: string, context: CommandContext): Promise<RolloutChange> {
    return this.control(env, id, context, (state, now) => decideResume(state, { id, reason: context.reason, now }));
  }

  abort(env: string, id: string, context: CommandContext): Promise<RolloutChange> {
    return this.control(env, id, context, (state, now) => decideAbort(state, { id, reason: context.reason, now }));
  }

  private async control(env: string, id: string, context: CommandContext, decide: (state: RolloutState, now: number) => RolloutEvent[]): Promise<RolloutChange> {
    const stream = new RolloutStream(this.store, env, id);
    for (;;) {
      const loaded = await stream.load();
      const events = decide(loaded.state, Date.parse(context.occurredAt));
      try {
        const appended = await stream.append(events, loaded.revision, this.metadata(context));
        return { id, state: foldRollout(events, loaded.state), position: appended.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
  }

  /**
   * The job's active rollout, if it has not finished. One that has finished is no longer active,
   * even before the runner has marked the job stream (it marks it right after, or after a
   * restart): it is marked now, so the next one may begin. So is one that never began.
   */
  unfinished(env: string, job: string): Promise<string | undefined> {
    return this.exclusive(env, () => this.unfinishedHoldingLock(env, job));
  }

  private async unfinishedHoldingLock(env: string, job: string): Promise<string | undefined> {
    const active = foldJob((await this.writer.load(jobStream(env, job))).records).activeRolloutId;
    if (active === undefined) return undefined;
    const { state } = await new RolloutStream(this.store, env, active).load();
    if (!state.exists) {
      // Starts hold the lock from the job's mark to the rollout's first event: no start is midway.
      await this.jobs.neverStarted(env, job, active);
      return undefined;
    }
    if (!isFinished(state)) return active;
    await this.jobs.ended(state);
    return undefined;
  }

  private metadata(context: CommandContext): EventMetadata {
    return {
      actor: context.actor,
      reason: context.reason,
      correlationId: context.correlationId ?? context.commandId,
      causationId: context.commandId,
      occurredAt: context.occurredAt,
      cjVersion: context.cjVersion,
    };
  }
}

/** A rollout's id: the same request (command id) for the same job always means the same rollout. */
export const rolloutIdOf = (env: string, job: string, commandId: string): string => uuidv5(`${env}/${job}/${commandId}`, ROLLOUT_ID_NAMESPACE);

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
