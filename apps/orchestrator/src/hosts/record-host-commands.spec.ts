import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventId, type CommandMetadata, type HostCommand } from '@cj/domain';
import { openSqliteEventStore, type EventStore } from '@cj/event-store';
import { Metrics } from '../metrics/metrics';
import { StreamWriter } from '../store/stream-writer';
import { recordHostCommands } from './record-host-commands';

const metadata = (commandId: string): CommandMetadata => ({
  commandId,
  actor: 'orchestrator',
  occurredAt: '2026-01-01T00:00:00.000Z',
  cjVersion: '0.1.0',
});
const probe = (commandId: string): HostCommand => ({
  type: 'RecordHostProbe',
  data: { host: 'h1', endpoint: 'unix:///run/h1.sock', reachable: true },
  metadata: metadata(commandId),
});
const sightings = (commandId: string, running: boolean): HostCommand => ({
  type: 'RecordContainerSightings',
  data: {
    host: 'h1',
    sightings: [
      {
        containerId: 'c-debug',
        job: 'web',
        task: 0,
        revision: 7,
        image: 'cj-demo:v1',
        name: 'web-debug',
        running,
        accounted: false,
      },
    ],
  },
  metadata: metadata(commandId),
});

describe('recording one look on a host stream, in a real SQLite store', () => {
  beforeAll(() => Logger.overrideLogger(false));
  let dir: string;
  let store: EventStore;
  let writer: StreamWriter;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cj-host-commands-'));
    store = openSqliteEventStore(join(dir, 'cj.db'));
    writer = new StreamWriter(store, new Metrics());
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends the events of several commands at once, each id derived from its own command', async () => {
    const recorded = await recordHostCommands(writer, 'prod', 'h1', [probe('answer-1'), sightings('look-1', true)]);

    expect(recorded.events.map((event) => event.type)).toEqual(['HostReachable', 'UnexpectedContainerFound']);
    const stored = await store.readStream('cj.prod.host.h1');
    expect(stored.map((event) => [event.type, event.id])).toEqual([
      ['HostReachable', eventId('answer-1', 'cj.prod.host.h1', 0)],
      ['UnexpectedContainerFound', eventId('look-1', 'cj.prod.host.h1', 0)],
    ]);
    expect(recorded.position).toBe(stored[1].position);
  });

  it('folds what the stream holds: a look that changes nothing appends nothing; the next change appends once', async () => {
    await recordHostCommands(writer, 'prod', 'h1', [probe('answer-1'), sightings('look-1', true)]);

    expect(await recordHostCommands(writer, 'prod', 'h1', [probe('answer-2'), sightings('look-2', true)])).toEqual({
      events: [],
    });
    const stopped = await recordHostCommands(writer, 'prod', 'h1', [probe('answer-3'), sightings('look-3', false)]);
    expect(stopped.events).toMatchObject([
      { type: 'UnexpectedContainerGone', data: { containerId: 'c-debug', now: 'stopped' } },
    ]);
    expect((await store.readStream('cj.prod.host.h1')).map((event) => event.type)).toEqual([
      'HostReachable',
      'UnexpectedContainerFound',
      'UnexpectedContainerGone',
    ]);
  });
});
