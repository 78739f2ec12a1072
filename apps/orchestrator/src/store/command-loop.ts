import { WrongExpectedVersionError } from '@cj/event-store';

/** A decision whose append conflicted this many times in a row is reported instead of retried. */
export const MAX_ATTEMPTS = 5;

export class StreamContentionError extends Error {
  override readonly name = 'StreamContentionError';
  constructor(readonly streamId: string) {
    super(`stream ${streamId} kept changing while a command was decided; try again`);
  }
}

/** One command's steps: what it reads, what it decides on that, and how it writes the decision. */
export interface CommandSteps<Loaded, Decision, Written> {
  /** The stream(s) as they are now (`attempt` counts from 1; a caller may answer the first from what it holds). */
  read(attempt: number): Promise<Loaded>;
  /** What to write, decided on what was read (undefined: nothing to write); may throw to refuse. */
  decide(loaded: Loaded, attempt: number): Decision | undefined;
  /** Appends at the revision(s) read; throws WrongExpectedVersionError when a stream moved meanwhile. */
  write(decision: Decision, loaded: Loaded): Promise<Written>;
  /** Told of each conflict before the next attempt. */
  conflicted?(error: WrongExpectedVersionError, attempt: number): void;
}

export interface CommandOutcome<Loaded, Decision, Written> {
  /** What the last decision was made on. */
  readonly loaded: Loaded;
  /** Absent when there was nothing to write. */
  readonly decision?: Decision;
  readonly written?: Written;
}

/**
 * The command loop: read, decide on what was read, append at the revision it was made on, and when
 * another writer got there first read and decide again, at most MAX_ATTEMPTS times (then a
 * StreamContentionError naming `streamId`). Every write of a decision to the log goes through it.
 */
export async function runCommand<Loaded, Decision, Written>(
  streamId: string,
  steps: CommandSteps<Loaded, Decision, Written>,
): Promise<CommandOutcome<Loaded, Decision, Written>> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const loaded = await steps.read(attempt);
    const decision = steps.decide(loaded, attempt);
    if (decision === undefined) return { loaded };
    try {
      return { loaded, decision, written: await steps.write(decision, loaded) };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      steps.conflicted?.(error, attempt);
    }
  }
  throw new StreamContentionError(streamId);
}
