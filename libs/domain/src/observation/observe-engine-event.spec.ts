import type { CommandMetadata } from '../command-metadata';
import type { EngineContainerEvent } from '../ports/container-runtime';
import type { LastKnownContainer } from './host-look';
import {
  boundedTail,
  LOG_TAIL_BYTES,
  LOG_TAIL_LINES,
  observeEngineEvent,
  type EngineEventLook,
} from './observe-engine-event';

const metadata: CommandMetadata = {
  commandId: 'event-1',
  actor: 'orchestrator',
  occurredAt: '2026-01-01T00:00:02.000Z',
  cjVersion: '0.1.0',
};
const ref = { job: 'web', task: 0, host: 'h1', containerId: 'a' };

function known(state: LastKnownContainer['state'], extra: Partial<LastKnownContainer> = {}): LastKnownContainer {
  return { job: 'web', task: 0, containerId: 'a', state, revision: 2, health: 'healthy', ...extra };
}

function event(
  action: EngineContainerEvent['action'],
  extra: Partial<EngineContainerEvent> = {},
): EngineContainerEvent {
  return {
    action,
    containerId: 'a',
    env: 'prod',
    job: 'web',
    task: 0,
    revision: 2,
    time: '2026-01-01T00:00:01.250Z',
    timeNano: 1767225601250000000n,
    ...extra,
  };
}

/** Given the log's last known container of the task, when the engine reports this event: what the log must learn. */
function given(last: LastKnownContainer | undefined) {
  return {
    when: (happened: EngineContainerEvent, look: Partial<EngineEventLook> = {}) =>
      observeEngineEvent({
        host: 'h1',
        event: happened,
        known: last,
        oomKilled: false,
        dockerHealth: false,
        metadata,
        ...look,
      }),
  };
}

describe('observing an engine event', () => {
  it("records an exit with the engine's exit code, its time of death and the last lines of output", () => {
    expect(given(known('running')).when(event('die', { exitCode: 3 }), { logTail: ['starting', 'crashing'] })).toEqual({
      type: 'RecordContainerExited',
      data: {
        ...ref,
        exitCode: 3,
        oomKilled: false,
        exitedAt: '2026-01-01T00:00:01.250Z',
        logTail: ['starting', 'crashing'],
      },
      metadata,
    });
  });

  it('records an OOM kill as such, and an exit the log already has not again', () => {
    expect(given(known('running')).when(event('die', { exitCode: 137 }), { oomKilled: true })).toMatchObject({
      data: { exitCode: 137, oomKilled: true },
    });
    expect(given(known('exited')).when(event('die', { exitCode: 137 }))).toBeUndefined();
    expect(given(known('stopped')).when(event('die', { exitCode: 0 }))).toBeUndefined();
  });

  it("records a start after an exit as the engine's restart when its restart count went up, else as a start", () => {
    expect(given(known('exited', { restartCount: 1 })).when(event('start'), { restartCount: 2 })).toEqual({
      type: 'RecordContainerRestarted',
      data: { ...ref, count: 2, startedAt: '2026-01-01T00:00:01.250Z' },
      metadata,
    });
    // A restart whose exit the log missed (a stream that reconnected late) is still a restart.
    expect(given(known('running')).when(event('start'), { restartCount: 1 })).toMatchObject({
      type: 'RecordContainerRestarted',
      data: { count: 1 },
    });
    expect(given(known('exited')).when(event('start'), { restartCount: 0 })).toEqual({
      type: 'RecordContainerStarted',
      data: { ...ref, revision: 2 },
      metadata,
    });
    expect(given(known('running')).when(event('start'), { restartCount: 0 })).toBeUndefined();
  });

  it('records a removal, and leaves containers the log does not know to the resync', () => {
    expect(given(known('exited')).when(event('destroy'))).toEqual({
      type: 'RecordContainerRemoved',
      data: ref,
      metadata,
    });
    expect(given(undefined).when(event('start'))).toBeUndefined();
    expect(given(undefined).when(event('die', { exitCode: 1 }))).toBeUndefined();
  });

  it("takes Docker's health verdicts only where the job checks with the image's HEALTHCHECK, and only transitions", () => {
    const unhealthy = event('health_status', { health: 'unhealthy' });
    expect(given(known('running')).when(unhealthy)).toBeUndefined();
    expect(given(known('running')).when(unhealthy, { dockerHealth: true })).toEqual({
      type: 'RecordHealthCheck',
      data: { ...ref, passed: false, detail: 'docker: unhealthy' },
      metadata,
    });
    expect(given(known('running', { health: 'unhealthy' })).when(unhealthy, { dockerHealth: true })).toBeUndefined();
  });

  it('records nothing for an oom by itself: it marks the exit that follows', () => {
    expect(given(known('running')).when(event('oom'))).toBeUndefined();
  });
});

describe('the log tail kept on an exit', () => {
  it('keeps the last lines, at most LOG_TAIL_LINES and LOG_TAIL_BYTES', () => {
    const many = Array.from({ length: 80 }, (_, i) => `line ${i}`);
    expect(boundedTail(many)).toEqual(many.slice(-LOG_TAIL_LINES));

    const wide = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(1000, '.'));
    const kept = boundedTail(wide);
    expect(kept).toEqual(wide.slice(-kept.length));
    expect(kept.join('\n').length).toBeLessThanOrEqual(LOG_TAIL_BYTES);
    expect(kept.length).toBe(8);

    expect(boundedTail(['x'.repeat(20_000)])[0].length).toBeLessThanOrEqual(LOG_TAIL_BYTES);
  });
});
