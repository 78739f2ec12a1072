import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../store/command-context';
import type { RolloutView, UpdatePolicy } from '@cj/api';

/** Record a revision with the image `tag` pins now (or the recorded tag, re-resolved) and roll it out. */
export class RollingUpdateCommand extends Command<RolloutView> {
  constructor(
    readonly env: string,
    readonly job: string,
    readonly tag: string | undefined,
    readonly overrides: Partial<UpdatePolicy>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Roll the job back to `toRevision`, or to its previous good revision, through the same gates. */
export class RollbackCommand extends Command<RolloutView> {
  constructor(
    readonly env: string,
    readonly job: string,
    readonly toRevision: number | undefined,
    readonly overrides: Partial<UpdatePolicy>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export type RolloutControl = 'pause' | 'resume' | 'abort';

/** An operator's pause, resume or abort of a rollout. */
export class ControlRolloutCommand extends Command<RolloutView> {
  constructor(
    readonly env: string,
    readonly id: string,
    readonly control: RolloutControl,
    readonly context: CommandContext,
  ) {
    super();
  }
}
