/**
 * The rollout commands, as the Nest handlers and any other caller use them: start (one active
 * rollout per job, by the job decider at the job stream's expected revision), pause, resume,
 * abort. Each goes through the command loop: read, decide in the domain, append at the expected
 * revision, decide again when the stream moved.
 */
import {
  eventMetadata,
  refuseHeldHosts,
  accepted,
  decideJob,
  decideRollout,
  foldRollout,
  initialRolloutState,
  isDomainError,
  isFinished,
  jobStream,
  rolloutProbe,
  type BeginRollout,
  type JobCommand,
  type RolloutStart,
  type RolloutCommand,
  type RolloutEvent,
  type RolloutState,
  type RevisionChange,
} from '@cj/domain';
import type { EventStore } from '@cj/event-store';
import { v5 as uuidv5 } from 'uuid';
import type { CommandContext } from '../store/command-context';
import { foldJob } from '../store/job-stream';
import type { StoredMetadata } from '../store/event-codec';
import { recordJobCommands } from '../store/record-job-commands';
import type { LoadedStream, StreamWriter } from '../store/stream-writer';
import type { Exclusive, RolloutJobRecord } from './rollout-ports';
import { RolloutStream } from './rollout-stream';
import type { JobSpec, UpdatePolicy } from '@cj/api';

const ROLLOUT_ID_NAMESPACE = '8c0b8f3e-54a1-4d2b-b0f4-5e2d7a9c6b13';

export interface StartRolloutInput extends RevisionChange {
  /** The revision to roll out; with `register`, the one the registered spec gets (computed). */
  readonly toRevision: number;
  /** The job at the target revision: its tasks, health check and update policy. */
  readonly spec: JobSpec;
  /** Policy fields the operator set for this rollout only. */
  readonly overrides?: Partial<UpdatePolicy>;
  readonly rollbackOf?: { readonly revision: number };
  /**
   * Record `spec` as the job's next revision in the same append as the rollout's start (a rolling
   * update): both land, or neither does. When the spec is what the job has, nothing new is
   * recorded and the current revision is rolled out (a rolling restart).
   */
  readonly register?: boolean;
}

export interface RolloutChange {
  readonly id: string;
  readonly state: RolloutState;
  /** Global position of the last event written, when something was written. */
  readonly position?: bigint;
}

export class RolloutService {
  constructor(
    private readonly store: EventStore,
    private readonly writer: StreamWriter,
    private readonly jobs: RolloutJobRecord,
    /**
     * The environment's lock. A start holds it from its check to the rollout's first event, so
     * `up`/`down` (which hold it too) never act on a job whose rollout begins meanwhile.
     */
    private readonly exclusive: Exclusive,
    /** The environment's held hosts (the store moved): a rollout onto one is refused before anything is recorded. */
    private readonly held: (env: string) => ReadonlySet<string> = () => new Set(),
  ) {}

  /**
   * Starts a rollout: one append on the job stream records the new revision (when `register`)
   * and the rollout's start together; the rollout's own stream is then begun from that record
   * (again by the runner, should the process die in between). Its id derives from the
   * environment, the job and the command id, so a retried request finds the same rollout, and
   * one request may start rollouts of several jobs.
   */
  start(input: StartRolloutInput, context: CommandContext): Promise<RolloutChange> {
    return this.exclusive(input.env, () => this.startHoldingLock(input, context));
  }

  private async startHoldingLock(input: StartRolloutInput, context: CommandContext): Promise<RolloutChange> {
    const id = rolloutIdOf(input.env, input.job, context.commandId);
    const { stream } = await this.unfinishedHoldingLock(input.env, input.job);
    const begun = await recordJobCommands(
      this.writer,
      input.env,
      input.job,
      (state) => {
        const register: JobCommand = { type: 'RegisterOrUpdateJob', data: { spec: input.spec }, metadata: context };
        const changes = input.register ? decideJob(register, state) : [];
        if (isDomainError(changes)) throw changes;
        const toRevision = !input.register
          ? input.toRevision
          : changes.length > 0
            ? state.lastRevision + 1
            : (state.currentRevision ?? input.toRevision);
        const begin = this.beginCommand({ ...input, toRevision }, context, true);
        return changes.length > 0 ? [register, begin] : [begin];
      },
      context.commandId,
      stream,
    );
    try {
      const started = await this.beginStream(input.env, input.job, id);
      return { id, state: started.state, position: started.position ?? begun.position };
    } catch (error) {
      // The command is recorded (its one append landed); the runner begins the rollout's stream
      // from that record once the store takes writes again. The answer says what will run.
      const { records } = await this.writer.load(jobStream(input.env, input.job));
      const start = foldJob(records).activeRollout;
      if (start?.rolloutId !== id) throw error;
      return {
        id,
        state: foldRollout(startEvents(input.env, start, input.spec, context.occurredAt), initialRolloutState()),
        position: begun.position,
      };
    }
  }

  /**
   * The job command that marks a rollout's start on the job stream, with all its first event is
   * made from. With `check`, the first event is decided now, so a start the rollout workflow would
   * refuse (a policy no task could pass) throws before anything is recorded.
   */
  beginCommand(input: StartRolloutInput, context: CommandContext, check = false): BeginRollout {
    const overrides = definedOnly(input.overrides ?? {});
    const command: BeginRollout = {
      type: 'BeginRollout',
      data: {
        job: input.job,
        rolloutId: rolloutIdOf(input.env, input.job, context.commandId),
        ...(input.fromRevision !== undefined && { fromRevision: input.fromRevision }),
        toRevision: input.toRevision,
        ...(Object.keys(overrides).length > 0 && { overrides }),
        ...(input.rollbackOf && { rollbackOf: input.rollbackOf }),
      },
      metadata: { ...context, correlationId: context.correlationId ?? context.commandId },
    };
    if (check) {
      refuseHeldHosts(
        input.env,
        input.spec.tasks.map((task) => task.host),
        this.held(input.env),
      );
      startEvents(input.env, command.data, input.spec, context.occurredAt);
    }
    return command;
  }

  /**
   * Begins the rollout's own stream from its start as the job stream recorded it; nothing when it
   * has begun already or the job has no such active rollout. Safe to repeat, and to race: the
   * first event is decided from the record alone, so every attempt writes the same event ids.
   */
  async beginStream(env: string, job: string, id: string): Promise<{ state: RolloutState; position?: bigint }> {
    const stream = new RolloutStream(this.store, env, id);
    const loaded = await stream.load();
    if (loaded.state.exists) return { state: loaded.state };
    const { records } = await this.writer.load(jobStream(env, job));
    const state = foldJob(records);
    const record = records.findLast((r) => r.type === 'JobRolloutStarted' && (r.data as RolloutStart).rolloutId === id);
    const spec = state.activeRollout?.rolloutId === id ? state.revisions[state.activeRollout.toRevision] : undefined;
    if (!record || !spec || !state.activeRollout) return { state: loaded.state };
    const { schemaVersion: _version, ...metadata } = record.metadata as StoredMetadata;
    const events = startEvents(env, state.activeRollout, spec, metadata.occurredAt);
    // Another attempt that got there first began the same rollout: nothing is left to write.
    const begun = await stream.decideAndAppend(
      (current) => (current.state.exists ? [] : events),
      () => metadata,
      loaded,
    );
    return { state: begun.state, ...(begun.position !== undefined && { position: begun.position }) };
  }

  pause(env: string, id: string, context: CommandContext): Promise<RolloutChange> {
    return this.control(env, id, context, 'PauseRollout');
  }

  resume(env: string, id: string, context: CommandContext): Promise<RolloutChange> {
    return this.control(env, id, context, 'ResumeRollout');
  }

  abort(env: string, id: string, context: CommandContext): Promise<RolloutChange> {
    return this.control(env, id, context, 'AbortRollout');
  }

  private async control(
    env: string,
    id: string,
    context: CommandContext,
    type: Exclude<RolloutCommand['type'], 'StartRollout'>,
  ): Promise<RolloutChange> {
    const command: RolloutCommand = { type, data: { id, reason: context.reason }, now: Date.parse(context.occurredAt) };
    const changed = await new RolloutStream(this.store, env, id).decideAndAppend(
      ({ state }) => accepted(decideRollout(command, state)),
      () => eventMetadata(context),
    );
    return { id, state: changed.state, position: changed.position };
  }

  /**
   * The job's active rollout, if it has not finished. One that has finished is no longer active,
   * even before the runner has marked the job stream (it marks it right after, or after a
   * restart): it is marked now, so the next one may begin. So is one that never began.
   */
  async unfinished(env: string, job: string): Promise<string | undefined> {
    return (await this.activeRollout(env, job)).active;
  }

  /**
   * The same, with the job stream as read for it when nothing was written to it since (a caller
   * decides on it without reading it again).
   */
  activeRollout(env: string, job: string): Promise<ActiveRolloutOfJob> {
    return this.exclusive(env, () => this.unfinishedHoldingLock(env, job));
  }

  private async unfinishedHoldingLock(env: string, job: string): Promise<ActiveRolloutOfJob> {
    const stream = await this.writer.load(jobStream(env, job));
    const active = foldJob(stream.records).activeRolloutId;
    if (active === undefined) return { stream };
    const { state } = await new RolloutStream(this.store, env, active).load();
    if (!state.exists) {
      // Its start was cut off after the job's record: begin it from that record now.
      const begun = await this.beginStream(env, job, active);
      if (begun.state.exists) return { active, stream };
      await this.jobs.neverStarted(env, job, active);
      return {};
    }
    if (!isFinished(state)) return { active, stream };
    await this.jobs.ended(state);
    return {};
  }
}

export interface ActiveRolloutOfJob {
  /** The job's unfinished rollout. */
  readonly active?: string;
  /** The job stream as read, when nothing was written to it since. */
  readonly stream?: LoadedStream;
}

/** A rollout's id: the same request (command id) for the same job always means the same rollout. */
export const rolloutIdOf = (env: string, job: string, commandId: string): string =>
  uuidv5(`${env}/${job}/${commandId}`, ROLLOUT_ID_NAMESPACE);

/** A rollout's first events, from its start as the job stream records it and the job's spec at the target revision. */
function startEvents(env: string, start: RolloutStart, spec: JobSpec, occurredAt: string): readonly RolloutEvent[] {
  const command: RolloutCommand = {
    type: 'StartRollout',
    data: {
      id: start.rolloutId,
      env,
      job: start.job,
      fromRevision: start.fromRevision,
      toRevision: start.toRevision,
      policy: { ...spec.update, ...definedOnly(start.overrides ?? {}) },
      ...rolloutProbe(spec.health),
      tasks: spec.tasks.map((t) => ({ task: t.index, host: t.host, port: t.port })),
      rollbackOf: start.rollbackOf,
    },
    now: Date.parse(occurredAt),
  };
  return accepted(decideRollout(command, initialRolloutState()));
}

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
