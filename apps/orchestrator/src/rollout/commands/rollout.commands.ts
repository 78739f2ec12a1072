import type { JobSpec, RolloutView, UpdatePolicy } from '@cj/api';
import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../commands/command-context';

/**
 * Move a job's tasks from the revision they run to `toRevision` (already recorded), or, with
 * `register`, to `spec` recorded as the job's next revision in the same append as the start.
 */
export class StartRolloutCommand extends Command<RolloutView> {
  constructor(
    readonly env: string,
    readonly job: string,
    readonly fromRevision: number | undefined,
    readonly toRevision: number,
    readonly spec: JobSpec,
    readonly context: CommandContext,
    readonly overrides: Partial<UpdatePolicy> = {},
    readonly rollbackOf?: { readonly revision: number },
    readonly register = false,
  ) {
    super();
  }
}

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
