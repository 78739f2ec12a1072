import { accepted } from '../errors';
import type { HostEvent } from './events';
import type { HostCommand, RecordHostProbe } from './commands';
import { decideHost } from './decide';
import { evolveHost, initialHostState } from './state';

const metadata = {
  commandId: 'probe-1',
  actor: 'orchestrator',
  occurredAt: '2015-06-01T10:00:00.000Z',
  cjVersion: '0.1.0',
};
const probe = (reachable: boolean): RecordHostProbe => ({
  type: 'RecordHostProbe',
  data: {
    host: 'h1',
    endpoint: 'unix:///var/run/docker.sock',
    reachable,
    ...(reachable ? { engineVersion: '20.10.24' } : { error: 'connect ENOENT' }),
  },
  metadata,
});
const given = (...history: HostEvent[]) => ({
  when: (command: HostCommand) => accepted(decideHost(command, history.reduce(evolveHost, initialHostState()))),
});

describe('host decider', () => {
  it('records the first probe, then only transitions', () => {
    const [up] = given().when(probe(true));
    expect(up).toMatchObject({
      type: 'HostReachable',
      data: { host: 'h1', engineVersion: '20.10.24' },
      metadata: { causationId: 'probe-1' },
    });
    expect(given(up).when(probe(true))).toEqual([]);

    const [down] = given(up).when(probe(false));
    expect(down).toMatchObject({ type: 'HostUnreachable', data: { host: 'h1', error: 'connect ENOENT' } });
    expect(given(up, down).when(probe(false))).toEqual([]);
  });

  it('declares a host once, and again only when it moved', () => {
    const declare = (endpoint: string): HostCommand => ({
      type: 'DeclareHost',
      data: { name: 'h1', endpoint, address: '127.77.1.2' },
      metadata,
    });
    const [declared] = given().when(declare('unix:///run/h1.sock'));
    expect(declared).toMatchObject({
      type: 'HostDeclared',
      data: { host: 'h1', endpoint: 'unix:///run/h1.sock', address: '127.77.1.2' },
    });
    expect(given(declared).when(declare('unix:///run/h1.sock'))).toEqual([]);
    expect(given(declared).when(declare('tcp://127.77.1.2:2376'))).toMatchObject([
      { type: 'HostDeclared', data: { endpoint: 'tcp://127.77.1.2:2376' } },
    ]);
  });

  it("carries a host's pinned ssh key, and declares it again when the pin changes", () => {
    const pin = (sshHostKey?: string): HostCommand => ({
      type: 'DeclareHost',
      data: { name: 'h1', endpoint: 'ssh://root@h1', address: 'h1', ...(sshHostKey !== undefined && { sshHostKey }) },
      metadata,
    });
    const [pinned] = given().when(pin('ssh-ed25519 AAAA1'));
    expect(pinned).toMatchObject({ type: 'HostDeclared', data: { host: 'h1', sshHostKey: 'ssh-ed25519 AAAA1' } });
    expect([pinned].reduce(evolveHost, initialHostState()).declared).toEqual({
      name: 'h1',
      endpoint: 'ssh://root@h1',
      address: 'h1',
      sshHostKey: 'ssh-ed25519 AAAA1',
    });
    expect(given(pinned).when(pin('ssh-ed25519 AAAA1'))).toEqual([]);
    expect(given(pinned).when(pin('ssh-ed25519 AAAA2'))).toMatchObject([{ data: { sshHostKey: 'ssh-ed25519 AAAA2' } }]);
    const [unpinned] = given(pinned).when(pin());
    expect(unpinned.data).not.toHaveProperty('sshHostKey');
  });

  describe('retiring', () => {
    const declare: HostCommand = {
      type: 'DeclareHost',
      data: { name: 'h1', endpoint: 'unix:///run/h1.sock', address: '127.77.1.2' },
      metadata,
    };
    const retire: HostCommand = {
      type: 'RetireHost',
      data: { host: 'h1', reason: 'dropped-from-jobs-file' },
      metadata: { ...metadata, commandId: 'apply-2', actor: 'ops@laptop' },
    };

    it('records where the host was and why it left', () => {
      const [declared] = given().when(declare);
      expect(given(declared).when(retire)).toEqual([
        {
          type: 'HostRetired',
          schemaVersion: 1,
          data: {
            host: 'h1',
            reason: 'dropped-from-jobs-file',
            last: { endpoint: 'unix:///run/h1.sock', address: '127.77.1.2' },
          },
          metadata: {
            actor: 'ops@laptop',
            correlationId: 'apply-2',
            causationId: 'apply-2',
            occurredAt: metadata.occurredAt,
            cjVersion: '0.1.0',
          },
        },
      ]);
    });

    it('records nothing for a host never declared, or already retired', () => {
      expect(given().when(retire)).toEqual([]);
      const [declared] = given().when(declare);
      const [retired] = given(declared).when(retire);
      expect(given(declared, retired).when(retire)).toEqual([]);
    });

    it('declares a retired host that comes back as a new one, and forgets what it saw there before', () => {
      const [declared] = given().when(declare);
      const [up] = given(declared).when(probe(true));
      const [retired] = given(declared, up).when(retire);
      expect([declared, up, retired].reduce(evolveHost, initialHostState())).toEqual(initialHostState());
      const [again] = given(declared, up, retired).when(declare);
      expect(again).toMatchObject({ type: 'HostDeclared', data: { host: 'h1', endpoint: 'unix:///run/h1.sock' } });
      expect(given(declared, up, retired, again).when(probe(true))).toMatchObject([{ type: 'HostReachable' }]);
    });
  });

  it('keeps what it knows of a host across probes', () => {
    const [declared] = given().when({
      type: 'DeclareHost',
      data: { name: 'h1', endpoint: 'unix:///run/h1.sock', address: '127.0.0.1' },
      metadata,
    });
    const [up] = given(declared).when(probe(true));
    expect([declared, up].reduce(evolveHost, initialHostState())).toEqual({
      declared: { name: 'h1', endpoint: 'unix:///run/h1.sock', address: '127.0.0.1' },
      reachable: true,
    });
  });
});
