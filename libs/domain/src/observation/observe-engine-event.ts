import type { JobCommand } from '../job/commands';
import type { CommandMetadata } from '../command-metadata';
import type { EngineContainerEvent } from '../ports/container-runtime';
import type { LastKnownContainer } from './host-look';

/** Lines of a failed container's output kept on its exit event, and bytes at most. */
export const LOG_TAIL_LINES = 50;
export const LOG_TAIL_BYTES = 8 * 1024;

/** One event from a host's engine, beside what the log knows of its container. */
export interface EngineEventLook {
  readonly host: string;
  readonly event: EngineContainerEvent;
  /** The task's last known container, when it is this event's container; undefined when the log does not know it. */
  readonly known: LastKnownContainer | undefined;
  /** `die`: whether an `oom` event came for this container since it last started. */
  readonly oomKilled: boolean;
  /** `die`: the container's last output lines, as read from the engine (bounded here). */
  readonly logTail?: readonly string[];
  /** `start`: the engine's restart count of the container now. */
  readonly restartCount?: number;
  /** Whether the task's health check is the image's own HEALTHCHECK (`type: docker`). */
  readonly dockerHealth: boolean;
  readonly metadata: CommandMetadata;
}

/**
 * The observation rules for one engine event: what the log must learn, if anything. An exit is
 * recorded with the engine's exit code and time of death and the container's last output; a start
 * of a container the log knows as exited is the engine's restart (its restart count went up) or a
 * start by hand; a destroyed container is removed; Docker's health verdicts count only where the
 * job's check is the image's own. Containers the log does not know are left to the resync, which
 * adopts or sights them with the whole host in view.
 */
export function observeEngineEvent(look: EngineEventLook): JobCommand | undefined {
  const { event, known, metadata } = look;
  if (!known) return undefined;
  const ref = { job: known.job, task: known.task, host: look.host, containerId: known.containerId };
  switch (event.action) {
    case 'die':
      if (known.state !== 'running') return undefined;
      return {
        type: 'RecordContainerExited',
        data: {
          ...ref,
          exitCode: event.exitCode ?? -1,
          oomKilled: look.oomKilled,
          exitedAt: event.time,
          ...(look.logTail && look.logTail.length > 0 && { logTail: boundedTail(look.logTail) }),
        },
        metadata,
      };
    case 'start': {
      const count = look.restartCount ?? 0;
      if (count > (known.restartCount ?? 0))
        return { type: 'RecordContainerRestarted', data: { ...ref, count, startedAt: event.time }, metadata };
      if (known.state === 'running') return undefined;
      return { type: 'RecordContainerStarted', data: { ...ref, revision: known.revision }, metadata };
    }
    case 'destroy':
      return { type: 'RecordContainerRemoved', data: ref, metadata };
    case 'health_status': {
      if (
        !look.dockerHealth ||
        known.state !== 'running' ||
        (event.health !== 'healthy' && event.health !== 'unhealthy')
      )
        return undefined;
      if (event.health === known.health) return undefined;
      return {
        type: 'RecordHealthCheck',
        data: { ...ref, passed: event.health === 'healthy', detail: `docker: ${event.health}` },
        metadata,
      };
    }
    case 'oom':
      // Marks the `die` that follows; by itself it records nothing.
      return undefined;
  }
}

const UTF8 = new TextEncoder();

/** The last lines that fit LOG_TAIL_LINES and LOG_TAIL_BYTES (a longer last line is cut at its end). */
export function boundedTail(lines: readonly string[]): string[] {
  const kept: string[] = [];
  let bytes = 0;
  for (let i = lines.length - 1; i >= 0 && kept.length < LOG_TAIL_LINES; i--) {
    const size = UTF8.encode(lines[i]).length + 1;
    if (bytes + size > LOG_TAIL_BYTES) {
      if (kept.length === 0) kept.unshift(lines[i].slice(-(LOG_TAIL_BYTES / 4)));
      break;
    }
    kept.unshift(lines[i]);
    bytes += size;
  }
  return kept;
}
