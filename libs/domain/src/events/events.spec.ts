import { eventId } from './event-id';
import { isHostEvent } from '../host/events';
import {
  environmentStreamPrefix,
  hostStream,
  InvalidStreamNameError,
  jobStream,
  parseStreamName,
  rolloutStream,
} from './streams';
import { rolloutEvent, storedRolloutEvent } from '../rollout/events';
import { CURRENT_SCHEMA_VERSION, isDomainEventType, isRolloutEventType } from './domain-event';
import { upcast, upcastRolloutEvent, UnknownEventTypeError, UnsupportedSchemaVersionError } from './upcast';

const metadata = {
  actor: 'ops@laptop',
  correlationId: 'c1',
  causationId: 'c1',
  occurredAt: '2015-06-01T10:00:00.000Z',
  cjVersion: '0.1.0',
};

describe('stream names', () => {
  it('start with the environment and parse back', () => {
    expect(jobStream('prod', 'webhook-listener')).toBe('cj.prod.job.webhook-listener');
    expect(rolloutStream('prod', 'r-42')).toBe('cj.prod.rollout.r-42');
    expect(hostStream('staging', 'git-app-1')).toBe('cj.staging.host.git-app-1');
    expect(environmentStreamPrefix('prod')).toBe('cj.prod.');
    expect(parseStreamName('cj.prod.job.webhook-listener')).toEqual({
      env: 'prod',
      kind: 'job',
      id: 'webhook-listener',
    });
  });

  it.each([['cj.prod.task.x'], ['prod.job.x'], ['cj.prod.job.a.b'], ['cj..job.x']])('rejects %s', (stream) => {
    expect(() => parseStreamName(stream)).toThrow(InvalidStreamNameError);
  });

  it('refuses to build a name from a part holding a dot', () => {
    expect(() => jobStream('prod', 'a.b')).toThrow('"cj.prod.job.a.b" is not a cj stream name');
  });
});

describe('eventId', () => {
  const command = '3f1e0c52-5d0b-4d7e-9a8e-0e1c2b3a4d5e';

  it('is a UUID v5, the same for the same command, stream and index, different otherwise', () => {
    const id = eventId(command, 'cj.prod.job.web', 0);

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventId(command, 'cj.prod.job.web', 0)).toBe(id);
    expect(eventId(command, 'cj.prod.job.web', 1)).not.toBe(id);
    expect(eventId('another-command', 'cj.prod.job.web', 0)).not.toBe(id);
  });

  it('differs between streams for the same command and index: one apply writing many jobs repeats no id', () => {
    const ids = ['web', 'api', 'worker'].map((job) => eventId(command, jobStream('prod', job), 0));

    expect(new Set(ids).size).toBe(3);
  });
});

describe('upcast', () => {
  const container = { job: 'web', task: 0, host: 'h1', containerId: 'abc' };

  it('brings a version 1 TaskHealthChanged (healthy: boolean) to version 2 (from/to)', () => {
    const event = upcast({
      type: 'TaskHealthChanged',
      schemaVersion: 1,
      data: { ...container, healthy: false },
      metadata,
    });

    expect(event).toEqual({
      type: 'TaskHealthChanged',
      schemaVersion: 2,
      data: { ...container, from: 'unknown', to: 'unhealthy' },
      metadata,
    });
  });

  it('reads an event without a version as version 1, and leaves current ones as they are', () => {
    expect(upcast({ type: 'TaskHealthChanged', data: { ...container, healthy: true }, metadata })).toMatchObject({
      data: { to: 'healthy' },
    });
    const current = { type: 'JobRemoved', schemaVersion: 1, data: { job: 'web', lastRevision: 3 }, metadata };
    expect(upcast(current)).toEqual(current);
  });

  it('refuses unknown types and versions newer than this cj', () => {
    expect(() => upcast({ type: 'JobTeleported', data: {}, metadata })).toThrow(UnknownEventTypeError);
    expect(() => upcast({ type: 'JobRemoved', schemaVersion: 9, data: {}, metadata })).toThrow(
      UnsupportedSchemaVersionError,
    );
  });
});

describe('upcastRolloutEvent', () => {
  const paused = rolloutEvent('RolloutPaused', { at: 1000, reason: 'lunch' });

  it('builds the envelope of every event, the current schema version filled in', () => {
    expect(paused).toEqual({ type: 'RolloutPaused', schemaVersion: 1, data: { at: 1000, reason: 'lunch' } });
  });

  it("stores an event flat, as a rollout's stream always has: its data's fields beside type and version, in their order", () => {
    const stored = storedRolloutEvent(
      rolloutEvent('RolloutContainerStopped', { at: 1000, task: 2, role: 'old', containerId: null }),
    );
    // Byte for byte what the stream held before events had an envelope (their ids derive from it).
    expect(JSON.stringify(stored)).toBe(
      '{"type":"RolloutContainerStopped","schemaVersion":1,"at":1000,"task":2,"role":"old","containerId":null}',
    );
  });

  it("reads a rollout stream's record (the whole flat event as its data) back as the event, its fields in their order", () => {
    const event = upcastRolloutEvent({ type: 'RolloutPaused', data: storedRolloutEvent(paused) });

    expect(event).toEqual(paused);
    expect(JSON.stringify(event)).toBe(JSON.stringify(paused));
  });

  it('reads a record written before versions were recorded (version 1) as the current envelope', () => {
    const written = { type: 'TaskUpdated', at: 1000, task: 0, revision: 2, containerId: 'c1' };
    expect(upcastRolloutEvent({ type: 'TaskUpdated', data: written })).toEqual({
      type: 'TaskUpdated',
      schemaVersion: CURRENT_SCHEMA_VERSION.TaskUpdated,
      data: { at: 1000, task: 0, revision: 2, containerId: 'c1' },
    });
  });

  it('refuses unknown types and versions newer than this cj', () => {
    expect(() => upcastRolloutEvent({ type: 'JobRemoved', data: {} })).toThrow(UnknownEventTypeError);
    expect(() =>
      upcastRolloutEvent({ type: 'RolloutPaused', data: { ...storedRolloutEvent(paused), schemaVersion: 9 } }),
    ).toThrow(UnsupportedSchemaVersionError);
    expect(() => upcast({ type: 'RolloutPaused', data: storedRolloutEvent(paused), metadata })).toThrow(
      UnknownEventTypeError,
    );
  });

  it("tells a rollout's event types from a job's or a host's", () => {
    expect([isRolloutEventType('RolloutPaused'), isDomainEventType('RolloutPaused')]).toEqual([true, false]);
    expect([isRolloutEventType('JobRemoved'), isDomainEventType('JobRemoved')]).toEqual([false, true]);
    expect([isRolloutEventType('HostHeld'), isDomainEventType('HostHeld')]).toEqual([false, true]);
  });
});

describe('isHostEvent', () => {
  it('tells the events a host folds from the events of other aggregates', () => {
    const gone = {
      type: 'UnexpectedContainerGone',
      schemaVersion: 1,
      data: { host: 'h1', containerId: 'c', job: 'web', task: 0, revision: 9, now: 'removed' },
      metadata,
    } as const;

    expect(isHostEvent(gone)).toBe(true);
    expect(isHostEvent({ type: 'JobRemoved', schemaVersion: 1, data: { job: 'web', lastRevision: 3 }, metadata })).toBe(
      false,
    );
    expect(isHostEvent(undefined)).toBe(false);
  });
});
