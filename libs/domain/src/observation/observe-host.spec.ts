import { accepted } from '../errors';
import type { HostEvent } from '../host/events';
import { decideHost } from '../host/decide';
import { evolveHost, initialHostState, type HostState } from '../host/state';
import type { CommandMetadata } from '../command-metadata';
import type { ContainerInfo, ProbeResult } from '../ports/container-runtime';
import type { HostLook, LastKnownContainer } from './host-look';
import { observeHost } from './observe-host';

const metadata: CommandMetadata = {
  commandId: 'look-1',
  actor: 'orchestrator',
  occurredAt: '2026-01-01T00:00:00.000Z',
  cjVersion: '0.1.0',
};

function lastKnown(
  task: number,
  containerId: string,
  state: LastKnownContainer['state'],
  health: LastKnownContainer['health'] = 'healthy',
): LastKnownContainer {
  return { job: 'web', task, containerId, state, revision: 2, health };
}

function container(
  id: string,
  task: number,
  state: ContainerInfo['state'],
  extra: Partial<ContainerInfo> = {},
): ContainerInfo {
  return {
    id,
    name: `cj-prod-web-${task}-r2`,
    host: 'h1',
    env: 'prod',
    job: 'web',
    task,
    revision: 2,
    labels: {},
    image: 'demo',
    imageId: 'sha256:1',
    state,
    restartCount: 0,
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: '2026-01-01T00:00:01Z',
    health: 'none',
    ...extra,
  };
}

const healthy = (id: string, healthy: boolean, detail: string) =>
  new Map<string, ProbeResult>([[id, { healthy, detail }]]);

/** Given what the log knows of the host's tasks, when the host shows these containers: what the log must learn. */
function given(...known: LastKnownContainer[]) {
  return {
    when: (containers: ContainerInfo[], look: Partial<Pick<HostLook, 'health' | 'knownRevision'>> = {}) =>
      observeHost({
        host: 'h1',
        known,
        containers,
        health: new Map(),
        knownRevision: (_job, revision) => revision === 2,
        metadata,
        ...look,
      }),
  };
}

const unexpected = (observation: ReturnType<typeof observeHost>) =>
  observation.sightings.data.sightings
    .filter((sighting) => sighting.running && !sighting.accounted)
    .map((sighting) => sighting.containerId);

describe('observing a host: the tasks the log knows there', () => {
  it('learns nothing when the host shows what the log says', () => {
    const observation = given(lastKnown(0, 'a', 'running')).when([container('a', 0, 'running')], {
      health: healthy('a', true, 'HTTP 200'),
    });

    expect(observation.jobCommands.size).toBe(0);
    expect(observation.sightings.data.sightings).toEqual([
      {
        containerId: 'a',
        job: 'web',
        task: 0,
        revision: 2,
        image: 'demo',
        name: 'cj-prod-web-0-r2',
        startedAt: '2026-01-01T00:00:01Z',
        running: true,
        accounted: true,
      },
    ]);
  });

  it('learns that a container exited on its own, with its exit code', () => {
    const observation = given(lastKnown(0, 'a', 'running')).when([container('a', 0, 'exited', { exitCode: 3 })]);

    expect(observation.jobCommands.get('web')).toEqual([
      {
        type: 'RecordContainerExited',
        data: { job: 'web', task: 0, host: 'h1', containerId: 'a', exitCode: 3, oomKilled: false },
        metadata,
      },
    ]);
  });

  it('learns that an exited container was started again, at its revision', () => {
    const observation = given(lastKnown(0, 'a', 'exited')).when([container('a', 0, 'running')]);

    expect(observation.jobCommands.get('web')).toEqual([
      {
        type: 'RecordContainerStarted',
        data: { job: 'web', task: 0, host: 'h1', containerId: 'a', revision: 2 },
        metadata,
      },
    ]);
  });

  it('learns that the engine restarted a container while nobody watched, once per restart count', () => {
    const restarted = container('a', 0, 'running', { restartCount: 2, startedAt: '2026-01-01T00:00:09Z' });

    expect(
      given(lastKnown(0, 'a', 'running'))
        .when([restarted])
        .jobCommands.get('web'),
    ).toEqual([
      {
        type: 'RecordContainerRestarted',
        data: { job: 'web', task: 0, host: 'h1', containerId: 'a', count: 2, startedAt: '2026-01-01T00:00:09Z' },
        metadata,
      },
    ]);
    expect(
      given({ ...lastKnown(0, 'a', 'running'), restartCount: 2 }).when([restarted], {
        health: healthy('a', true, 'HTTP 200'),
      }).jobCommands.size,
    ).toBe(0);
  });

  it("learns an exit with the engine's time of death and OOM verdict", () => {
    const killed = container('a', 0, 'exited', {
      exitCode: 137,
      oomKilled: true,
      finishedAt: '2026-01-01T00:00:05.5Z',
    });

    expect(
      given(lastKnown(0, 'a', 'running'))
        .when([killed])
        .jobCommands.get('web'),
    ).toEqual([
      {
        type: 'RecordContainerExited',
        data: {
          job: 'web',
          task: 0,
          host: 'h1',
          containerId: 'a',
          exitCode: 137,
          oomKilled: true,
          exitedAt: '2026-01-01T00:00:05.5Z',
        },
        metadata,
      },
    ]);
  });

  it('learns that a container vanished from the host', () => {
    expect(
      given(lastKnown(0, 'a', 'running'))
        .when([])
        .jobCommands.get('web')
        ?.map((command) => command.type),
    ).toEqual(['RecordContainerRemoved']);
  });

  it('learns health transitions, not every check', () => {
    const failing = healthy('a', false, 'HTTP 500');

    expect(
      given(lastKnown(0, 'a', 'running', 'healthy'))
        .when([container('a', 0, 'running')], { health: failing })
        .jobCommands.get('web'),
    ).toEqual([
      {
        type: 'RecordHealthCheck',
        data: { job: 'web', task: 0, host: 'h1', containerId: 'a', passed: false, detail: 'HTTP 500' },
        metadata,
      },
    ]);
    expect(
      given(lastKnown(0, 'a', 'running', 'unhealthy')).when([container('a', 0, 'running')], { health: failing })
        .jobCommands.size,
    ).toBe(0);
  });
});

describe('observing a host: containers the log does not know', () => {
  it('adopts a running container of a revision the job has, when its task runs nothing (a rollout made it)', () => {
    const observation = given(lastKnown(0, 'old', 'exited')).when([
      container('old', 0, 'exited'),
      container('new', 0, 'running', { rollout: 'r1' }),
    ]);

    expect(observation.jobCommands.get('web')).toEqual([
      {
        type: 'RecordContainerStarted',
        data: { job: 'web', task: 0, host: 'h1', containerId: 'new', revision: 2, rolloutId: 'r1' },
        metadata,
      },
    ]);
    expect(unexpected(observation)).toEqual([]);
  });

  it('counts a second running container of a known revision as accounted for (a start-first swap), and adopts nothing', () => {
    const observation = given(lastKnown(0, 'new', 'running')).when(
      [container('new', 0, 'running'), container('old', 0, 'running', { revision: 1 })],
      {
        knownRevision: () => true,
      },
    );

    expect(observation.jobCommands.size).toBe(0);
    expect(unexpected(observation)).toEqual([]);
  });

  it('sights a running container of a revision the job never had, or of an unknown job, as unexpected; it adopts neither', () => {
    const observation = given(lastKnown(0, 'a', 'running')).when(
      [
        container('a', 0, 'running'),
        container('stray', 0, 'running', { revision: 9 }),
        container('stranger', 0, 'running', { job: 'debug' }),
        container('stopped', 1, 'exited', { revision: 9 }),
      ],
      { knownRevision: (job, revision) => job === 'web' && revision === 2 },
    );

    expect(observation.jobCommands.size).toBe(0);
    expect(unexpected(observation)).toEqual(['stray', 'stranger']);
  });
  it('reads a cj label that is not a number as -1, so the sighting still records numbers', () => {
    const [sighting] = given().when([container('odd', Number('first'), 'running', { revision: Number('latest') })])
      .sightings.data.sightings;

    expect(sighting).toMatchObject({ containerId: 'odd', task: -1, revision: -1, running: true, accounted: false });
  });
});

describe('observing a host over several looks', () => {
  /** Each look's sightings decided on the host's stream as the looks before left it. */
  function looks(...shown: ContainerInfo[][]): HostEvent[][] {
    let state: HostState = initialHostState();
    return shown.map((containers) => {
      const events = accepted(decideHost(given().when(containers, { knownRevision: () => false }).sightings, state));
      state = events.reduce(evolveHost, state);
      return [...events];
    });
  }

  it('records an unexpected container once, however many looks see it, and again after it was gone', () => {
    const stray = container('stray', 0, 'running', { revision: 9 });
    const [first, second, stopped, third, restarted] = looks(
      [stray],
      [stray],
      [{ ...stray, state: 'exited' }],
      [{ ...stray, state: 'exited' }],
      [stray],
    );

    expect(first).toEqual([
      {
        type: 'UnexpectedContainerFound',
        schemaVersion: 1,
        data: {
          host: 'h1',
          containerId: 'stray',
          job: 'web',
          task: 0,
          revision: 9,
          image: 'demo',
          name: 'cj-prod-web-0-r2',
          startedAt: '2026-01-01T00:00:01Z',
        },
        metadata: {
          actor: 'orchestrator',
          correlationId: 'look-1',
          causationId: 'look-1',
          occurredAt: '2026-01-01T00:00:00.000Z',
          cjVersion: '0.1.0',
        },
      },
    ]);
    expect(second).toEqual([]);
    expect(stopped).toMatchObject([
      { type: 'UnexpectedContainerGone', data: { containerId: 'stray', now: 'stopped' } },
    ]);
    expect(third).toEqual([]);
    expect(restarted.map((event) => event.type)).toEqual(['UnexpectedContainerFound']);
  });
});
