import type { ContainerState } from '../ports/container-runtime';
import { isLive } from './container-liveness';

describe('isLive: whether an engine container is live', () => {
  it.each<[ContainerState, boolean]>([
    ['running', true],
    ['restarting', true],
    ['paused', true],
    ['created', false],
    ['exited', false],
    ['dead', false],
    ['removing', false],
  ])('given a container the engine lists %s, when asked whether it is live, then %s', (state, live) => {
    expect(isLive(state)).toBe(live);
  });

  it('given a paused container, when asked, then it is live: it holds its port and is stopped before its task counts as stopped', () => {
    expect(isLive('paused')).toBe(true);
  });
});
