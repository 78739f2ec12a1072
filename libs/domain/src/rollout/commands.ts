/** The commands an operator (or apply/update) gives a rollout: start it, pause, resume, abort. */
import type { RolloutIdentity, RolloutTask } from './events';
import type { Millis } from '@cj/api';

interface RolloutCommandOf<Type extends string, Data> {
  readonly type: Type;
  readonly data: Readonly<Data>;
  /** When the command is decided: the time its events record. */
  readonly now: Millis;
}

export type StartRollout = RolloutCommandOf<
  'StartRollout',
  RolloutIdentity & {
    /** The tasks of the target revision, with the port each one's current container listens on. */
    readonly tasks: readonly (RolloutTask & { readonly fromPort?: number })[];
  }
>;
export type PauseRollout = RolloutCommandOf<'PauseRollout', { id: string; reason?: string }>;
export type ResumeRollout = RolloutCommandOf<'ResumeRollout', { id: string; reason?: string }>;
/**
 * Abort always ends a rollout, whatever it is doing (running, paused, rolling back): the workflow
 * stops waiting on gates and reverts what the rollout touched through a short gate of its own.
 */
export type AbortRollout = RolloutCommandOf<'AbortRollout', { id: string; reason?: string }>;

export type RolloutCommand = StartRollout | PauseRollout | ResumeRollout | AbortRollout;
