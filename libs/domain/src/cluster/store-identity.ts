import { sameLocation, type StoreEvent } from '../events/store-events';
import { type CommandMetadata, eventMetadata } from '../command-metadata';
import type { StoreLocation } from '@cj/api';

/** The orchestrator starts on a store: at `location`, with `newStoreId` ready should the store have none. */
export interface IdentifyStore {
  readonly type: 'IdentifyStore';
  readonly data: { readonly newStoreId: string; readonly location: StoreLocation };
  readonly metadata: CommandMetadata;
}

/** What `cj-store` says: the store's id, when it was made, and where it last ran. */
export interface StoreIdentityState {
  readonly storeId?: string;
  readonly createdAt?: string;
  readonly location?: StoreLocation;
}

export function initialStoreIdentity(): StoreIdentityState {
  return {};
}

export function evolveStoreIdentity(state: StoreIdentityState, event: StoreEvent): StoreIdentityState {
  switch (event.type) {
    case 'StoreIdentified':
      return { storeId: event.data.storeId, createdAt: event.data.createdAt, location: event.data.location };
    case 'StoreRelocated':
      return { ...state, location: event.data.to };
  }
}

/**
 * An empty store is given its identity once; the same store where it last ran records nothing;
 * the same log somewhere else (a copy, a restore) keeps its identity — it is the same history —
 * and records that it moved, which holds its hosts.
 */
export function decideStoreIdentity(command: IdentifyStore, state: StoreIdentityState): readonly StoreEvent[] {
  const { newStoreId, location } = command.data;
  const metadata = eventMetadata(command.metadata);
  if (state.storeId === undefined) {
    return [
      {
        type: 'StoreIdentified',
        schemaVersion: 1,
        data: { storeId: newStoreId, createdAt: command.metadata.occurredAt, location },
        metadata,
      },
    ];
  }
  if (state.location !== undefined && sameLocation(state.location, location)) return [];
  const from = state.location ?? location;
  return [{ type: 'StoreRelocated', schemaVersion: 1, data: { storeId: state.storeId, from, to: location }, metadata }];
}
