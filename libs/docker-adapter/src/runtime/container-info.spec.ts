import type { ContainerInspectInfo } from 'dockerode';
import { toContainerInfo } from './container-info';

/** `docker inspect` output cut to the parts the mapping reads (the rest does not matter to it). */
const inspected = (state: Partial<ContainerInspectInfo['State']>, restartCount: number): ContainerInspectInfo =>
  ({
    Id: 'c1',
    Name: '/cj-prod-web-0-r2',
    Created: '2026-01-01T00:00:00Z',
    Image: 'sha256:1',
    RestartCount: restartCount,
    Config: { Image: 'demo:v2', Labels: { 'cj.env': 'prod', 'cj.job': 'web', 'cj.task': '0', 'cj.revision': '2' } },
    State: {
      Status: 'running',
      ExitCode: 0,
      StartedAt: '2026-01-01T00:00:01Z',
      FinishedAt: '0001-01-01T00:00:00Z',
      ...state,
    },
  }) as unknown as ContainerInspectInfo;

describe('toContainerInfo', () => {
  it('reports the restart count the engine keeps', () => {
    expect(toContainerInfo('h1', inspected({}, 2))).toMatchObject({
      state: 'running',
      restartCount: 2,
      startedAt: '2026-01-01T00:00:01Z',
    });
    expect(toContainerInfo('h1', inspected({}, 2)).exitCode).toBeUndefined();
  });

  it('gives a restarting container the exit code of the crash the engine is restarting it from', () => {
    expect(toContainerInfo('h1', inspected({ Status: 'restarting', ExitCode: 3 }, 1))).toMatchObject({
      state: 'restarting',
      exitCode: 3,
      restartCount: 1,
    });
  });

  it('gives an exited container its exit code and finish time', () => {
    expect(
      toContainerInfo('h1', inspected({ Status: 'exited', ExitCode: 137, FinishedAt: '2026-01-01T00:00:05Z' }, 0)),
    ).toMatchObject({
      state: 'exited',
      exitCode: 137,
      finishedAt: '2026-01-01T00:00:05Z',
    });
  });
});
