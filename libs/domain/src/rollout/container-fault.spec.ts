import { containerFault, type ContainerObservation } from './container-fault';

const since = { restartCount: 0, startedAt: '2026-01-01T00:00:01Z' };
const running: ContainerObservation = { state: 'running', restartCount: 0, startedAt: since.startedAt, health: 'none' };

describe('containerFault', () => {
  it('finds nothing wrong with a container that runs as it was started, healthy or still starting', () => {
    expect(containerFault(running, since)).toBeUndefined();
    expect(containerFault({ ...running, health: 'starting' }, since)).toBeUndefined();
    expect(containerFault({ ...running, health: 'healthy' }, since)).toBeUndefined();
  });

  it.each([
    [{ state: 'exited', exitCode: 3 }, 'container exited (exit code 3)'],
    [{ state: 'restarting', exitCode: 3 }, 'container restarting (exit code 3)'],
    [{ state: 'dead' }, 'container dead'],
    [{ state: 'paused' }, 'container paused'],
  ] as const)('given %j, it names the state and the exit code', (seen, detail) => {
    expect(containerFault({ ...running, ...seen }, since)).toBe(detail);
  });

  it('given a restart count that grew, the engine restarted it', () => {
    expect(containerFault({ ...running, restartCount: 1, startedAt: '2026-01-01T00:00:04Z' }, since)).toBe(
      'container exited and was restarted by the engine once',
    );
    expect(containerFault({ ...running, restartCount: 3 }, { ...since, restartCount: 1 })).toBe(
      'container exited and was restarted by the engine 2 times',
    );
  });

  it('given the same restart count but a later start time, it was started again', () => {
    expect(containerFault({ ...running, startedAt: '2026-01-01T00:00:09Z' }, since)).toBe(
      'container was started again at 2026-01-01T00:00:09Z',
    );
  });

  it("given Docker's HEALTHCHECK says unhealthy, it is lost whatever the job's own check says", () => {
    expect(containerFault({ ...running, health: 'unhealthy' }, since)).toBe(
      "container unhealthy by its image's Docker HEALTHCHECK",
    );
  });

  it('given a container or a baseline without a start time, it does not guess', () => {
    expect(containerFault({ state: 'running', restartCount: 0, health: 'none' }, since)).toBeUndefined();
    expect(containerFault({ ...running, startedAt: 'later' }, { restartCount: 0 })).toBeUndefined();
  });
});
