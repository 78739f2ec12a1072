import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { EventData, EventStore, RecordedEvent } from '@cj/event-store';
import {
  accepted,
  decideHost,
  decideStoreIdentity,
  eventId,
  evolveHost,
  evolveStoreIdentity,
  initialHostState,
  initialStoreIdentity,
  isHostEvent,
  STORE_STREAM,
  type CommandMetadata,
  type StoreEvent,
} from '@cj/domain';
import type { StoreLocation } from '@cj/api';
import { cjVersion } from '../config/cj-version';
import type { Clock } from '../clock';
import { fromRecorded, toEventData } from './event-codec';
import type { StreamWriter } from './stream-writer';

/** Who this store is, where it runs now, and whether this start found it moved. */
export interface StoreIdentity {
  readonly storeId: string;
  readonly createdAt: string;
  readonly location: StoreLocation;
  /** Set when this start found the log somewhere else than where it last ran (its hosts are held). */
  readonly relocatedFrom?: StoreLocation;
}

/**
 * The store's identity for the life of the process: established once at start, after the log
 * verified and before anything reads the read models or touches a host (so the holds a move
 * records are projected before the rollout runner and the observation loop begin).
 */
export class StoreIdentities {
  private established?: StoreIdentity;

  constructor(
    private readonly store: EventStore,
    private readonly writer: StreamWriter,
    private readonly spec: string,
    private readonly clock: Clock,
  ) {}

  async establish(): Promise<StoreIdentity> {
    this.established = await establishStoreIdentity(this.store, this.writer, this.spec, this.clock);
    return this.established;
  }

  get current(): StoreIdentity {
    if (!this.established)
      throw new Error('the store identity was asked for before the orchestrator established it at start');
    return this.established;
  }
}

/**
 * Where `--store` lives as seen from here: the machine's name and the file's absolute path for the
 * embedded store, the connection's endpoint (without credentials or options) for EventStoreDB.
 */
export function storeLocation(spec: string): StoreLocation {
  const esdb = /^(esdb(?:\+discover)?:\/\/)(?:[^@/]*@)?([^/?]*)/.exec(spec);
  if (esdb) return { kind: 'eventstoredb', endpoint: `${esdb[1]}${esdb[2]}` };
  return { kind: 'embedded', machine: hostname(), path: spec === ':memory:' ? spec : resolve(spec) };
}

/**
 * Reads the store's identity, and records what this start changes, in one command: on an empty
 * store its new identity (`StoreIdentified`); on a store that last ran elsewhere
 * (`StoreRelocated`) a hold on every declared host (`HostHeld`), the hosts first so that a start cut
 * off in between holds the rest when it runs again.
 */
export async function establishStoreIdentity(
  store: EventStore,
  writer: StreamWriter,
  spec: string,
  clock: Clock,
): Promise<StoreIdentity> {
  const location = storeLocation(spec);
  const hostStreams = await declaredHostStreams(store);
  const commandId = randomUUID();
  const metadata: CommandMetadata = {
    commandId,
    actor: 'orchestrator',
    reason: 'orchestrator started',
    occurredAt: clock.now().toISOString(),
    cjVersion: cjVersion(),
  };
  await writer.decideAndAppendToStreams([...hostStreams, STORE_STREAM], (streams) => {
    const identity = foldStore(streams.get(STORE_STREAM)?.records ?? []);
    const decided = decideStoreIdentity(
      { type: 'IdentifyStore', data: { newStoreId: randomUUID(), location }, metadata },
      identity,
    );
    const out = new Map<string, readonly EventData[]>([
      [STORE_STREAM, decided.map((event, i) => encodeStoreEvent(event, commandId, i))],
    ]);
    const relocated = decided.find((event) => event.type === 'StoreRelocated');
    if (relocated?.type !== 'StoreRelocated') return out;
    for (const streamId of hostStreams) {
      const records = streams.get(streamId)?.records ?? [];
      const state = records.map(fromRecorded).filter(isHostEvent).reduce(evolveHost, initialHostState());
      if (state.declared === undefined) continue;
      const hold = {
        type: 'HoldHost' as const,
        data: { host: state.declared.name, from: relocated.data.from, to: relocated.data.to },
        metadata,
      };
      out.set(
        streamId,
        accepted(decideHost(hold, state)).map((event, i) => toEventData(event, commandId, streamId, i)),
      );
    }
    return out;
  });
  const records = await store.readStream(STORE_STREAM);
  const state = foldStore(records);
  const relocation = records
    .map(decodeStoreEvent)
    .find((event) => event?.type === 'StoreRelocated' && event.metadata.causationId === commandId);
  return {
    storeId: state.storeId as string,
    createdAt: state.createdAt as string,
    location,
    ...(relocation?.type === 'StoreRelocated' && { relocatedFrom: relocation.data.from }),
  };
}

/** Every host stream of every environment that ever declared a host (retired ones fold to undeclared). */
async function declaredHostStreams(store: EventStore): Promise<string[]> {
  const records = await store.readAll({ filter: { streamPrefixes: ['cj.'], eventTypes: ['HostDeclared'] } });
  return [...new Set(records.map((record) => record.streamId))];
}

function foldStore(records: readonly RecordedEvent[]) {
  return records
    .map(decodeStoreEvent)
    .filter((event): event is StoreEvent => event !== undefined)
    .reduce(evolveStoreIdentity, initialStoreIdentity());
}

function encodeStoreEvent(event: StoreEvent, commandId: string, index: number): EventData {
  return {
    id: eventId(commandId, STORE_STREAM, index),
    type: event.type,
    data: event.data,
    metadata: { ...event.metadata, schemaVersion: event.schemaVersion },
  };
}

function decodeStoreEvent(record: RecordedEvent): StoreEvent | undefined {
  if (record.type !== 'StoreIdentified' && record.type !== 'StoreRelocated') return undefined;
  return { type: record.type, schemaVersion: 1, data: record.data, metadata: record.metadata } as StoreEvent;
}
