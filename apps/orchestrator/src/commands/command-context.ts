import type { CommandMetadata } from '@cj/domain';

/** Who asked, why, under which id, and when: what every command handler receives. */
export interface CommandContext {
  readonly commandId: string;
  readonly actor: string;
  readonly reason?: string;
  /** The request a derived command belongs to (the request's command id). */
  readonly correlationId?: string;
  readonly occurredAt: string;
  readonly cjVersion: string;
}

export function commandMetadata(context: CommandContext): CommandMetadata {
  return {
    commandId: context.commandId,
    actor: context.actor,
    ...(context.reason !== undefined && { reason: context.reason }),
    ...(context.correlationId !== undefined && { correlationId: context.correlationId }),
    occurredAt: context.occurredAt,
    cjVersion: context.cjVersion,
  };
}
