/**
 * The rollout commands, as the Nest handlers and any other caller use them: start (one active
 * rollout per job, by optimistic concurrency on the job stream), pause, resume, abort. Each reads,
 * decides in the domain, and appends at the expected revision, retrying when the stream moved.
 */
import {
  decideAbort,
  decideJobRolloutStart,
  decidePause,
  decideResume,
  decideStart,
  foldJobRollouts,
  isFinished,
  type JobRollouts,
  jobStreamId,
  type JobSpec,
  type RolloutEvent,
  type UpdatePolicy,
  type RolloutState,
} from '@cj/domain';
import { StreamNotFoundError, WrongExpectedVersionError, type EventStore, type RecordedEvent } from '@cj/event-store';
import { v5 as uuidv5 } from 'uuid';
import { RolloutStream, type EventMetadata } from './rollout-stream';

const ROLLOUT_ID_NAMESPACE = '8c0b8f3e-54a1-4d2b-b0f4-5e2d7a9c6b13';
/** Health gate cadence when the job's check has no interval of its own (`none`). */
const DEFAULT_PROBE_INTERVAL = 1000;

export interface CommandContext {
  readonly actor: string;
  readonly reason?: string;
  /** The client's command id: a retried command changes nothing twice. */
  readonly commandId: string;
  readonly cjVersion: string;
  readonly now: number;
}

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

export class RolloutCommands {
  constructor(private readonly store: EventStore) {}

  /** Starts a rollout; returns its id. The id derives from the command id, so a retry finds the same rollout. */
  async start(input: StartRolloutInput, context: CommandContext): Promise<string> {
    const id = uuidv5(`${input.env}/${context.commandId}`, ROLLOUT_ID_NAMESPACE);
    const metadata = this.metadata(context, id);
    const jobStream = jobStreamId(input.env, input.job);
    for (;;) {
      const events = await this.readOrEmpty(jobStream);
      const current = await this.withoutFinished(input.env, foldJobRollouts(events));
      if (current.active?.rolloutId === id) break;
      const mark = decideJobRolloutStart(input.job, current, { rolloutId: id, ...input, now: context.now });
      try {
        const expected = events.length === 0 ? 'no_stream' : events[events.length - 1].revision;
        await this.store.append(jobStream, [{ id: uuidv5(`${id}/started`, ROLLOUT_ID_NAMESPACE), type: mark.type, data: mark, metadata }], expected);
        break;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
    const stream = new RolloutStream(this.store, input.env, id);
    const loaded = await stream.load();
    if (loaded.state.exists) return id;
    const { spec } = input;
    const started = decideStart(loaded.state, {
      id,
      env: input.env,
      job: input.job,
      fromRevision: input.fromRevision,
      toRevision: input.toRevision,
      policy: { ...spec.update, ...definedOnly(input.overrides ?? {}) },
      probeInterval: spec.health.type === 'none' ? DEFAULT_PROBE_INTERVAL : spec.health.interval,
      tasks: spec.tasks.map((t) => ({ task: t.index, host: t.host, port: t.port, fromPort: input.fromPorts?.get(t.index) })),
      rollbackOf: input.rollbackOf,
      now: context.now,
    });
    await stream.append(started, loaded.revision, metadata);
    return id;
  }

  pause(env: string, id: string, context: CommandContext): Promise<RolloutState> {
    return this.control(env, id, context, (state) => decidePause(state, { id, reason: context.reason, now: context.now }));
  }

  resume(env: string, id: string, context: CommandContext): Promise<RolloutState> {
    return this.control(env, id, context, (state) => decideResume(state, { id, reason: context.reason, now: context.now }));
  }

  abort(env: string, id: string, context: CommandContext): Promise<RolloutState> {
    return this.control(env, id, context, (state) => decideAbort(state, { id, reason: context.reason, now: context.now }));
  }

  private async control(env: string, id: string, context: CommandContext, decide: (state: RolloutState) => RolloutEvent[]): Promise<RolloutState> {
    const stream = new RolloutStream(this.store, env, id);
    for (;;) {
      const loaded = await stream.load();
      const events = decide(loaded.state);
      try {
        await stream.append(events, loaded.revision, this.metadata(context, id));
        return (await stream.load()).state;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
  }

  /**
   * A rollout that has finished is no longer active, even before the runner has marked the job
   * stream (it marks it right after, or after a restart).
   */
  private async withoutFinished(env: string, rollouts: JobRollouts): Promise<JobRollouts> {
    if (!rollouts.active) return rollouts;
    const { state } = await new RolloutStream(this.store, env, rollouts.active.rolloutId).load();
    return state.exists && isFinished(state) ? { ...rollouts, active: undefined } : rollouts;
  }

  private async readOrEmpty(streamId: string): Promise<RecordedEvent[]> {
    try {
      return await this.store.readStream(streamId);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  private metadata(context: CommandContext, rolloutId: string): EventMetadata {
    return {
      actor: context.actor,
      reason: context.reason,
      correlationId: context.commandId,
      causationId: rolloutId,
      occurredAt: new Date(context.now).toISOString(),
      cjVersion: context.cjVersion,
    };
  }
}

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
