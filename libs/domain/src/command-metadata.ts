import type { EventMetadata } from './events/metadata';

/** What every command carries besides its data: who, why, when, and its id. Time is an input. */
export interface CommandMetadata {
  /** Unique per command; a retry keeps it, so the events it produces keep their ids. */
  readonly commandId: string;
  readonly actor: string;
  /** Who the client said it was (`user@host`) when the actor is a token's name: a claim, not checked. */
  readonly claimedActor?: string;
  readonly reason?: string;
  /** The request this command belongs to; the command itself when absent. */
  readonly correlationId?: string;
  /** ISO 8601 instant. */
  readonly occurredAt: string;
  readonly cjVersion: string;
}

/** The metadata of the events a command produces: caused by the command, correlated to its request. */
export function eventMetadata(command: CommandMetadata): EventMetadata {
  return {
    actor: command.actor,
    ...(command.claimedActor !== undefined && { claimedActor: command.claimedActor }),
    ...(command.reason !== undefined && { reason: command.reason }),
    correlationId: command.correlationId ?? command.commandId,
    causationId: command.commandId,
    occurredAt: command.occurredAt,
    cjVersion: command.cjVersion,
  };
}
