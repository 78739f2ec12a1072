import { rolloutEvent, rolloutStream } from '@cj/domain';
import type { RecordedEvent } from '@cj/event-store';
import { v5 as uuidv5 } from 'uuid';
import { rolloutEventOf, toRolloutEventData } from './event-codec';

const metadata = {
  actor: 'orchestrator',
  correlationId: 'r1',
  occurredAt: '2026-01-01T00:00:00.000Z',
  cjVersion: '0.1.0',
};

describe("a rollout event's record", () => {
  const stream = rolloutStream('prod', 'r1');
  const stopped = rolloutEvent('RolloutContainerStopped', { at: 1000, task: 2, role: 'old', containerId: 'c1' });
  // The record's data as the stream has always held it, and the id an append has always given it.
  const flat = { type: 'RolloutContainerStopped', schemaVersion: 1, at: 1000, task: 2, role: 'old', containerId: 'c1' };
  const id = uuidv5(`${stream}@3:${JSON.stringify(flat)}`, '3f1c6a52-6f1e-4b8e-9a39-1b7d3f0c2a10');

  it('given an event in its envelope, when encoded, then its data is the flat event and its id the one derived from it', () => {
    const encoded = toRolloutEventData(stopped, stream, 3n, metadata);

    expect(JSON.stringify(encoded.data)).toBe(JSON.stringify(flat));
    expect(encoded).toEqual({ id, type: 'RolloutContainerStopped', data: flat, metadata });
  });

  it('given the stored record, when read, then it is the event in its envelope', () => {
    const record = { streamId: stream, revision: 3n, id, type: flat.type, data: flat, metadata } as RecordedEvent;

    expect(rolloutEventOf(record)).toEqual(stopped);
    expect(rolloutEventOf({ ...record, type: 'JobRemoved' })).toBeUndefined();
  });
});
