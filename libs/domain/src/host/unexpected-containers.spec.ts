import type { HostEvent } from './events';
import { decideHost } from './decide';
import { evolveHost, initialHostState } from './state';
import type { ContainerSighting, RecordContainerSightings } from './unexpected-containers';

const metadata = {
  commandId: 'look-1',
  actor: 'orchestrator',
  reason: 'observed on host h1',
  occurredAt: '2015-06-01T10:00:00.000Z',
  cjVersion: '0.1.0',
};
const eventMetadata = {
  actor: 'orchestrator',
  reason: 'observed on host h1',
  correlationId: 'look-1',
  causationId: 'look-1',
  occurredAt: '2015-06-01T10:00:00.000Z',
  cjVersion: '0.1.0',
};

const debug: ContainerSighting = {
  containerId: 'c-debug',
  job: 'web',
  task: 0,
  revision: 7,
  image: 'cj-demo:v1',
  name: 'web-debug',
  running: true,
  accounted: false,
};
const task: ContainerSighting = {
  containerId: 'c-task',
  job: 'web',
  task: 0,
  revision: 2,
  image: 'cj-demo:v2',
  name: 'cj-prod-web-0-r2',
  running: true,
  accounted: true,
};

const look = (...sightings: ContainerSighting[]): RecordContainerSightings => ({
  type: 'RecordContainerSightings',
  data: { host: 'h1', sightings },
  metadata,
});
const given = (...history: HostEvent[]) => ({
  when: (command: RecordContainerSightings) => decideHost(command, history.reduce(evolveHost, initialHostState())),
});

const found: HostEvent = {
  type: 'UnexpectedContainerFound',
  schemaVersion: 1,
  data: {
    host: 'h1',
    containerId: 'c-debug',
    job: 'web',
    task: 0,
    revision: 7,
    image: 'cj-demo:v1',
    name: 'web-debug',
  },
  metadata: eventMetadata,
};
const gone = (now: 'stopped' | 'removed' | 'known'): HostEvent => ({
  type: 'UnexpectedContainerGone',
  schemaVersion: 1,
  data: { host: 'h1', containerId: 'c-debug', job: 'web', task: 0, revision: 7, now },
  metadata: eventMetadata,
});

describe('unexpected containers on the host stream', () => {
  it('records a running container no task accounts for, once', () => {
    expect(given().when(look(task, debug))).toEqual([found]);
    expect(given(found).when(look(task, debug))).toEqual([]);
  });

  it('records nothing for accounted containers and for ones that do not run', () => {
    expect(given().when(look(task, { ...debug, running: false }))).toEqual([]);
  });

  it('records when a reported container is removed, stops, or becomes known, and forgets it', () => {
    expect(given(found).when(look(task))).toEqual([gone('removed')]);
    expect(given(found).when(look({ ...debug, running: false }))).toEqual([gone('stopped')]);
    expect(given(found).when(look({ ...debug, accounted: true }))).toEqual([gone('known')]);
    expect(given(found, gone('removed')).when(look(task))).toEqual([]);
  });

  it('reports a container again when it comes back after it was gone', () => {
    expect(given(found, gone('stopped')).when(look(debug))).toEqual([found]);
  });

  it('keeps the rest of what it knows of the host beside the reported containers', () => {
    const declared: HostEvent = {
      type: 'HostDeclared',
      schemaVersion: 1,
      data: { host: 'h1', endpoint: 'unix:///run/h1.sock', address: '127.0.0.1' },
      metadata: eventMetadata,
    };
    const other: HostEvent = { ...found, data: { ...found.data, containerId: 'c-other' } } as HostEvent;

    expect([declared, found, other, gone('removed')].reduce(evolveHost, initialHostState())).toEqual({
      declared: { name: 'h1', endpoint: 'unix:///run/h1.sock', address: '127.0.0.1' },
      unexpected: { 'c-other': { job: 'web', task: 0, revision: 7 } },
    });
  });
});
