import { accepted } from '../errors';
import type { HostEvent } from '../host/events';
import type { HostCommand } from '../host/commands';
import { decideHost } from '../host/decide';
import { evolveHost, initialHostState } from '../host/state';
import { belongsToCluster, shortStoreId } from './cluster-ownership';
import { HostsHeldError, refuseHeldHosts } from './held-hosts';
import type { StoreLocation } from '@cj/api';

const metadata = {
  commandId: 'cmd-1',
  actor: 'orchestrator',
  occurredAt: '2026-06-01T10:00:00.000Z',
  cjVersion: '0.1.0',
};
const from: StoreLocation = { kind: 'embedded', machine: 'ops-1', path: '/var/lib/cj/cj.db' };
const to: StoreLocation = { kind: 'embedded', machine: 'ops-2', path: '/srv/cj/cj.db' };
const given = (...history: HostEvent[]) => ({
  when: (command: HostCommand) => accepted(decideHost(command, history.reduce(evolveHost, initialHostState()))),
});
const [declared] = given().when({
  type: 'DeclareHost',
  data: { name: 'h1', endpoint: 'unix:///run/h1.sock', address: '127.77.1.2' },
  metadata,
});
const hold: HostCommand = { type: 'HoldHost', data: { host: 'h1', from, to }, metadata };
const confirm: HostCommand = { type: 'ConfirmHost', data: { host: 'h1' }, metadata };
const foreign = (...containers: { storeId: string; containerId: string }[]): HostCommand => ({
  type: 'RecordForeignContainers',
  data: {
    host: 'h1',
    containers: containers.map((c) => ({
      ...c,
      name: `cj-prod-web-0-r1.${c.storeId}`,
      env: 'prod',
      job: 'web',
      task: 0,
    })),
  },
  metadata,
});

describe('held hosts', () => {
  it('holds a declared host once when the store moved, and not a host never declared', () => {
    const [held] = given(declared).when(hold);
    expect(held).toMatchObject({ type: 'HostHeld', data: { host: 'h1', reason: 'store-relocated', from, to } });
    expect(given(declared, held).when(hold)).toEqual([]);
    expect(given().when(hold)).toEqual([]);
  });

  it('confirms a held host once; confirming a host that is not held records nothing', () => {
    const [held] = given(declared).when(hold);
    const [confirmed] = given(declared, held).when(confirm);
    expect(confirmed).toMatchObject({ type: 'HostConfirmed', data: { host: 'h1' } });
    expect(given(declared, held, confirmed).when(confirm)).toEqual([]);
    expect(given(declared).when(confirm)).toEqual([]);
    expect(given(declared, held, confirmed).when(hold)).toMatchObject([{ type: 'HostHeld' }]);
  });

  it('refuses a command on held hosts naming each, and what to do', () => {
    expect(() => refuseHeldHosts('prod', ['h1', 'h2', 'h1'], new Set(['h1']))).toThrow(HostsHeldError);
    const refusal = (() => {
      try {
        refuseHeldHosts('prod', ['h2', 'h1', 'h3'], new Set(['h3', 'h1']));
      } catch (error) {
        return error as HostsHeldError;
      }
    })();
    expect(refusal?.message).toMatch(
      /^hosts h1, h3 of environment prod are held: this store was started somewhere else/,
    );
    expect(refusal?.hint).toBe(
      "once you know these hosts are this cluster's, run cj hosts confirm h1 h3 (or --all); else re-map them by importing the environment with --map-host",
    );
    expect(() => refuseHeldHosts('prod', ['h2'], new Set(['h1']))).not.toThrow();
  });
});

describe('a host shared with another cluster', () => {
  it('is recorded once per other cluster, with the containers first seen, and once more when they are gone', () => {
    const [shared] = given(declared).when(foreign({ storeId: 'other', containerId: 'c1' }));
    expect(shared).toMatchObject({
      type: 'HostSharedWithCluster',
      data: {
        host: 'h1',
        otherStoreId: 'other',
        containers: [{ containerId: 'c1', name: 'cj-prod-web-0-r1.other', env: 'prod', job: 'web', task: 0 }],
      },
    });
    expect(
      given(declared, shared).when(
        foreign({ storeId: 'other', containerId: 'c1' }, { storeId: 'other', containerId: 'c2' }),
      ),
    ).toEqual([]);
    const [gone] = given(declared, shared).when(foreign());
    expect(gone).toMatchObject({ type: 'HostNoLongerShared', data: { host: 'h1', otherStoreId: 'other' } });
    expect(given(declared, shared, gone).when(foreign())).toEqual([]);
  });

  it('tells clusters apart', () => {
    const [shared] = given(declared).when(foreign({ storeId: 'one', containerId: 'c1' }));
    expect(given(declared, shared).when(foreign({ storeId: 'two', containerId: 'c2' }))).toMatchObject([
      { type: 'HostNoLongerShared', data: { otherStoreId: 'one' } },
      { type: 'HostSharedWithCluster', data: { otherStoreId: 'two' } },
    ]);
  });
});

describe('cluster ownership', () => {
  it("is the container's cj.cluster label; a container without one (made before labels) is the finder's", () => {
    expect(belongsToCluster({ cluster: 'a' }, 'a')).toBe(true);
    expect(belongsToCluster({ cluster: 'b' }, 'a')).toBe(false);
    expect(belongsToCluster({}, 'a')).toBe(true);
  });

  it('names containers with the first 8 hex digits of the store id', () => {
    expect(shortStoreId('3f2a9c1b-77aa-4c1b-9f0e-6b2a1d9c7e54')).toBe('3f2a9c1b');
  });
});
