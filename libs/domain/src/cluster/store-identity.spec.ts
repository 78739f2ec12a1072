import type { StoreEvent } from '../events/store-events';
import type { StoreLocation } from '@cj/api';
import { decideStoreIdentity, evolveStoreIdentity, initialStoreIdentity, type IdentifyStore } from './store-identity';

const metadata = {
  commandId: 'start-1',
  actor: 'orchestrator',
  occurredAt: '2026-06-01T10:00:00.000Z',
  cjVersion: '0.1.0',
};
const here: StoreLocation = { kind: 'embedded', machine: 'ops-1', path: '/var/lib/cj/cj.db' };
const elsewhere: StoreLocation = { kind: 'embedded', machine: 'ops-2', path: '/srv/cj/cj.db' };
const identify = (location: StoreLocation, newStoreId = 'b1f0c2d4-0000-4000-8000-000000000001'): IdentifyStore => ({
  type: 'IdentifyStore',
  data: { newStoreId, location },
  metadata,
});
const given = (...history: StoreEvent[]) => ({
  when: (command: IdentifyStore) =>
    decideStoreIdentity(command, history.reduce(evolveStoreIdentity, initialStoreIdentity())),
});

describe('store identity', () => {
  it('gives an empty store its identity, where it runs, when it starts', () => {
    expect(given().when(identify(here))).toEqual([
      {
        type: 'StoreIdentified',
        schemaVersion: 1,
        data: {
          storeId: 'b1f0c2d4-0000-4000-8000-000000000001',
          createdAt: '2026-06-01T10:00:00.000Z',
          location: here,
        },
        metadata: expect.objectContaining({ actor: 'orchestrator', causationId: 'start-1' }),
      },
    ]);
  });

  it('records nothing when the store starts again where it last ran, and keeps its id whatever id is offered', () => {
    const [identified] = given().when(identify(here));
    expect(given(identified).when(identify(here, 'another-id'))).toEqual([]);
  });

  it('records a move, keeping the identity, when the same log starts somewhere else (a copy, a restore)', () => {
    const [identified] = given().when(identify(here));
    const [moved] = given(identified).when(identify(elsewhere, 'another-id'));
    expect(moved).toMatchObject({
      type: 'StoreRelocated',
      data: { storeId: 'b1f0c2d4-0000-4000-8000-000000000001', from: here, to: elsewhere },
    });
    // Once moved, the new place is where it runs: a second start there records nothing.
    expect(given(identified, moved).when(identify(elsewhere))).toEqual([]);
    expect(given(identified, moved).when(identify(here))).toMatchObject([
      { type: 'StoreRelocated', data: { from: elsewhere, to: here } },
    ]);
  });

  it('tells EventStoreDB endpoints apart from embedded files', () => {
    const esdb: StoreLocation = { kind: 'eventstoredb', endpoint: 'esdb://127.0.0.1:2113' };
    const [identified] = given().when(identify(esdb));
    expect(given(identified).when(identify(esdb))).toEqual([]);
    expect(given(identified).when(identify({ kind: 'eventstoredb', endpoint: 'esdb://127.0.0.2:2113' }))).toMatchObject(
      [{ type: 'StoreRelocated' }],
    );
  });
});
