import type { HostEvent } from '../events/host-events';
import { decideHost, evolveHost, initialHostState, type RecordHostProbe } from './host-decider';

const metadata = { commandId: 'probe-1', actor: 'orchestrator', occurredAt: '2015-06-01T10:00:00.000Z', cjVersion: '0.1.0' };
const probe = (reachable: boolean): RecordHostProbe => ({
  type: 'RecordHostProbe',
  data: { host: 'h1', endpoint: 'unix:///var/run/docker.sock', reachable, ...(reachable ? { engineVersion: '20.10.24' } : { error: 'connect ENOENT' }) },
  metadata,
});
const given = (...history: HostEvent[]) => ({ when: (command: RecordHostProbe) => decideHost(command, history.reduce(evolveHost, initialHostState())) });

describe('host decider', () => {
  it('records the first probe, then only transitions', () => {
    const [up] = given().when(probe(true));
    expect(up).toMatchObject({ type: 'HostReachable', data: { host: 'h1', engineVersion: '20.10.24' }, metadata: { causationId: 'probe-1' } });
    expect(given(up).when(probe(true))).toEqual([]);

    const [down] = given(up).when(probe(false));
    expect(down).toMatchObject({ type: 'HostUnreachable', data: { host: 'h1', error: 'connect ENOENT' } });
    expect(given(up, down).when(probe(false))).toEqual([]);
  });
});
