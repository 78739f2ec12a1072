import type { EventSource } from '@cj/api';

/** Who and what caused an event, recorded beside it in the store. Time is an input, never read here. */
export interface EventMetadata {
  /** The token's name behind tokens (else the client's `user@hostname`); `orchestrator` for cj itself. */
  readonly actor: string;
  /** What the client said it was (`user@hostname`), kept beside a token's name: a claim, not checked. */
  readonly claimedActor?: string;
  readonly reason?: string;
  /** The command (request) this event belongs to, followed through every step it caused. */
  readonly correlationId: string;
  /** The command or event that directly caused this one. */
  readonly causationId: string;
  /** ISO 8601 instant. */
  readonly occurredAt: string;
  readonly cjVersion: string;
  /** Set on an event a replicate or an import recorded: the event of the source it was made from. */
  readonly source?: EventSource;
}

/** The envelope of every event: a past-tense type, its payload's schema version and its payload. */
export interface Envelope<Type extends string, Data, Version extends number = 1> {
  readonly type: Type;
  readonly schemaVersion: Version;
  readonly data: Readonly<Data>;
}

/**
 * A job's or a host's event: the envelope and its metadata. A rollout's events are envelopes
 * alone; their metadata is given when they are appended (see `RolloutEvent`).
 */
export interface EventOf<Type extends string, Data, Version extends number = 1> extends Envelope<Type, Data, Version> {
  readonly metadata: EventMetadata;
}
