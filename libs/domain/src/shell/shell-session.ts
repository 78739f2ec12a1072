import type { EventMetadata, EventOf } from '../events/metadata';
import type { TokenRole } from '@cj/api';

/**
 * Stream `cj.<env>.shell.<sessionId>`: one session of a command run in a task's container over
 * the exec endpoint (the web console's terminal, `cj exec`): who opened it, into what, how it ended.
 */
interface SessionRef {
  readonly sessionId: string;
  readonly job: string;
  readonly task: number;
  readonly host: string;
  readonly containerId: string;
}

export type ShellSessionStarted = EventOf<
  'ShellSessionStarted',
  SessionRef & { command: readonly string[]; tty: boolean; client: string }
>;

/** exited: the command ended; left: the client went away; idle: nothing moved for too long; shutdown: the orchestrator stopped. */
export type ShellSessionEnd = 'exited' | 'left' | 'idle' | 'shutdown';
export type ShellSessionEnded = EventOf<
  'ShellSessionEnded',
  SessionRef & { end: ShellSessionEnd; exitCode?: number; durationMs: number }
>;

export type ShellEvent = ShellSessionStarted | ShellSessionEnded;

export interface ShellRequest extends SessionRef {
  readonly command: readonly string[];
  readonly tty: boolean;
  readonly client: string;
}

/** Why a session may not open; undefined when it may. */
export type ShellRefusal =
  | { readonly kind: 'role'; readonly role: TokenRole }
  | { readonly kind: 'too-many'; readonly open: number; readonly limit: number };

/** Only operators open sessions, and each token at most `limit` at once. */
export function refuseShell(role: TokenRole, openForToken: number, limit: number): ShellRefusal | undefined {
  if (role !== 'operator') return { kind: 'role', role };
  if (openForToken >= limit) return { kind: 'too-many', open: openForToken, limit };
  return undefined;
}

export function shellStarted(request: ShellRequest, metadata: EventMetadata): ShellSessionStarted {
  const { sessionId, job, task, host, containerId, command, tty, client } = request;
  return {
    type: 'ShellSessionStarted',
    schemaVersion: 1,
    data: { sessionId, job, task, host, containerId, command: [...command], tty, client },
    metadata,
  };
}

/** The end of a started session; `metadata.occurredAt` is when it ended, and gives its duration. */
export function shellEnded(
  started: ShellSessionStarted,
  end: ShellSessionEnd,
  exitCode: number | undefined,
  metadata: EventMetadata,
): ShellSessionEnded {
  const { sessionId, job, task, host, containerId } = started.data;
  const durationMs = Math.max(0, Date.parse(metadata.occurredAt) - Date.parse(started.metadata.occurredAt));
  return {
    type: 'ShellSessionEnded',
    schemaVersion: 1,
    data: { sessionId, job, task, host, containerId, end, ...(exitCode !== undefined && { exitCode }), durationMs },
    metadata,
  };
}
