import { v5 as uuidv5 } from 'uuid';
import { parseStreamName, type StreamKind } from '../events/streams';
import { ROLLOUT_EVENT_SCHEMA_VERSION } from '../rollout/events';
import type { PortableEvent } from './format';
import type { PortableLog } from './read-portable-log';

/** Where a source host's part goes: a host of the target by name, declared at an endpoint (and address) when given. */
export interface ImportHostTarget {
  readonly name: string;
  readonly endpoint?: string;
  readonly address?: string;
}

/** An event as the import appends it: its target stream, the revision it must land at, and a deterministic id. */
export interface ImportEvent {
  readonly stream: string;
  readonly revision: string;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
}

export interface ImportPlan {
  readonly sourceEnv: string;
  readonly targetEnv: string;
  /** The file's events then the closing ones, in the order they are appended (see `planImport`). */
  readonly events: readonly ImportEvent[];
  /** How many of `events` the import added to close what the file left open. */
  readonly closing: number;
}

export class HostNotMappedError extends Error {
  override readonly name = 'HostNotMappedError';
  constructor(readonly hosts: readonly string[]) {
    super(`hosts ${hosts.join(', ')} of the file are not mapped`);
  }
}

const IMPORT_NAMESPACE = '9b5e1c27-64d3-4f0a-a2b8-3e7d51c0f946';

/**
 * The id of an imported event: the source env, stream and revision it was made from (and the target
 * env, so one file imported into two envs of one store gives two sets of ids). The same file gives
 * the same ids on every run, which is what makes a second or resumed import recognise its events.
 */
export const importedEventId = (sourceEnv: string, stream: string, revision: string, targetEnv: string): string =>
  uuidv5(`${sourceEnv}/${stream}/${revision}→${targetEnv}`, IMPORT_NAMESPACE);

const mapHost = (hosts: Readonly<Record<string, ImportHostTarget>>, host: string): string => hosts[host]?.name ?? host;

/** Every host name the file's events use: in stream names and wherever a `host` or `hosts` field holds one. */
export function hostsOfLog(events: readonly PortableEvent[]): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, key?: string): void => {
    if (typeof value === 'string') {
      if (key === 'host') found.add(value);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) visit(item, key === 'hosts' ? 'host' : undefined);
      return;
    }
    if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, k);
  };
  for (const event of events) {
    const stream = parseStreamName(event.stream);
    if (stream.kind === 'host') found.add(stream.id);
    visit(event.data);
  }
  return [...found].sort();
}

/**
 * An event's data with every host name rewritten: `host` fields, `hosts` lists, a spec change of a
 * task's host (`tasks[1].host`), and on a mapped host's own events its endpoint and address when
 * the map gives them (so the target never reaches the source's engines).
 */
export function rewriteHosts(data: unknown, hosts: Readonly<Record<string, ImportHostTarget>>, ownHost?: string): unknown {
  const own = ownHost === undefined ? undefined : hosts[ownHost];
  const visit = (value: unknown, key?: string, parent?: Record<string, unknown>): unknown => {
    if (typeof value === 'string') {
      if (key === 'host') return mapHost(hosts, value);
      if ((key === 'before' || key === 'after') && typeof parent?.['path'] === 'string' && /\.host$/.test(parent['path'])) return mapHost(hosts, value);
      if (key === 'endpoint' && own?.endpoint) return own.endpoint;
      if (key === 'address' && own?.endpoint) return own.address ?? addressOf(own.endpoint, value);
      return value;
    }
    if (Array.isArray(value)) return value.map((item) => (key === 'hosts' && typeof item === 'string' ? mapHost(hosts, item) : visit(item)));
    if (value !== null && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, visit(v, k, object)]));
    }
    return value;
  };
  return visit(data);
}

/** A local socket's tasks answer on loopback; elsewhere the source's address is kept unless the map names one. */
const addressOf = (endpoint: string, previous: string): string => (endpoint.startsWith('unix://') ? '127.0.0.1' : previous);

/** The stream's name in the target env, its host renamed when it is a host's. */
export function targetStream(stream: string, targetEnv: string, hosts: Readonly<Record<string, ImportHostTarget>>): string {
  const { kind, id } = parseStreamName(stream);
  return `cj.${targetEnv}.${kind}.${kind === 'host' ? mapHost(hosts, id) : id}`;
}

export interface PlanImportInput {
  readonly targetEnv: string;
  readonly hosts: Readonly<Record<string, ImportHostTarget>>;
  /** Who runs the import: the actor of the closing events. */
  readonly actor: string;
  readonly cjVersion: string;
}

/** Order of appending: a host is declared last, once what its tasks ran is closed, so nothing in the target acts on a half-imported history. */
const KIND_ORDER: Readonly<Record<StreamKind, number>> = { rollout: 0, job: 0, shell: 0, host: 1 };

/**
 * The events an import appends, in order: the file's events of job, rollout and shell streams in log
 * order, then the events that close what the file left open (below), then each host's stream. Each
 * event keeps its type, data (hosts renamed) and metadata (without the source's hash link, which the
 * target's store chains anew), gains `metadata.source` naming the event it was made from, and lands
 * at the revision it had in the source (a file holds each stream from its first event).
 *
 * Closing, because the target's hosts do not hold what the source's did: every container the history
 * says exists is recorded as removed (`ContainerRemoved`), so a job that was meant to run is still
 * meant to run and reconcile (`reconcile: restart`) or `cj up` starts it on its new host; a rollout
 * the file leaves open is aborted (`RolloutAborted`) and its job's mark ended (`JobRolloutEnded`).
 */
export function planImport(log: PortableLog, input: PlanImportInput): ImportPlan {
  const sourceEnv = log.header.env;
  const unmapped = hostsOfLog(log.events).filter((host) => !input.hosts[host]);
  if (unmapped.length > 0) throw new HostNotMappedError(unmapped);

  const byKind = [...log.events].sort((a, b) => KIND_ORDER[parseStreamName(a.stream).kind] - KIND_ORDER[parseStreamName(b.stream).kind]);
  const imported = (event: PortableEvent): ImportEvent => {
    const { chain: _chain, source: _source, ...metadata } = event.metadata;
    const stream = parseStreamName(event.stream);
    return {
      stream: targetStream(event.stream, input.targetEnv, input.hosts),
      revision: event.revision,
      id: importedEventId(sourceEnv, event.stream, event.revision, input.targetEnv),
      type: event.type,
      data: rewriteHosts(event.data, input.hosts, stream.kind === 'host' ? stream.id : undefined),
      metadata: { ...metadata, source: { env: sourceEnv, stream: event.stream, revision: event.revision, position: event.position } },
    };
  };
  const events = byKind.filter((e) => parseStreamName(e.stream).kind !== 'host').map(imported);
  const closing = closingEvents(log, input);
  return {
    sourceEnv,
    targetEnv: input.targetEnv,
    events: [...events, ...closing, ...byKind.filter((e) => parseStreamName(e.stream).kind === 'host').map(imported)],
    closing: closing.length,
  };
}

interface OpenState {
  /** Containers by id: still on their host as far as the history knows. */
  readonly containers: Map<string, { job: string; task: number; host: string; containerId: string }>;
  /** Rollouts the job stream marks started and not ended. */
  readonly rollouts: Set<string>;
  last: bigint;
}

/** Folds each job stream for what is still open at its end: containers not removed, rollouts not ended. */
function openAtEnd(events: readonly PortableEvent[]): { jobs: Map<string, OpenState>; rollouts: Map<string, { last: bigint; ended: boolean }> } {
  const jobs = new Map<string, OpenState>();
  const rollouts = new Map<string, { last: bigint; ended: boolean }>();
  for (const event of events) {
    const kind = parseStreamName(event.stream).kind;
    if (kind === 'rollout') {
      const rollout = rollouts.get(event.stream) ?? { last: -1n, ended: false };
      rollout.last = BigInt(event.revision);
      rollout.ended ||= ['RolloutSucceeded', 'RolloutRolledBack', 'RolloutFailed', 'RolloutAborted'].includes(event.type);
      rollouts.set(event.stream, rollout);
      continue;
    }
    if (kind !== 'job') continue;
    let job = jobs.get(event.stream);
    if (!job) jobs.set(event.stream, (job = { containers: new Map(), rollouts: new Set(), last: -1n }));
    job.last = BigInt(event.revision);
    const data = event.data as { job: string; task: number; host: string; containerId?: string; rolloutId?: string };
    switch (event.type) {
      case 'ContainerStarted':
      case 'TaskRestarted':
        if (data.containerId) job.containers.set(data.containerId, { job: data.job, task: data.task, host: data.host, containerId: data.containerId });
        break;
      case 'ContainerRemoved':
        if (data.containerId) job.containers.delete(data.containerId);
        break;
      case 'JobRolloutStarted':
        if (data.rolloutId) job.rollouts.add(data.rolloutId);
        break;
      case 'JobRolloutEnded':
        if (data.rolloutId) job.rollouts.delete(data.rolloutId);
        break;
    }
  }
  return { jobs, rollouts };
}

function closingEvents(log: PortableLog, input: PlanImportInput): ImportEvent[] {
  const sourceEnv = log.header.env;
  const at = log.header.asOf ?? log.header.exportedAt;
  const correlationId = uuidv5(`${sourceEnv}/${log.sha256}→${input.targetEnv}`, IMPORT_NAMESPACE);
  const metadata = (reason: string) => ({ actor: input.actor, reason, correlationId, causationId: correlationId, occurredAt: at, cjVersion: input.cjVersion });
  const { jobs, rollouts } = openAtEnd(log.events);
  const closing: ImportEvent[] = [];
  const add = (sourceStream: string, revision: bigint, type: string, data: unknown, reason: string, schemaVersion: number | undefined) => {
    closing.push({
      stream: targetStream(sourceStream, input.targetEnv, input.hosts),
      revision: String(revision),
      id: importedEventId(sourceEnv, sourceStream, `${revision}:closing`, input.targetEnv),
      type,
      data,
      metadata: { ...metadata(reason), ...(schemaVersion !== undefined && { schemaVersion }) },
    });
  };
  for (const [stream, rollout] of rollouts) {
    if (rollout.ended) continue;
    rollout.last += 1n;
    add(stream, rollout.last, 'RolloutAborted', { type: 'RolloutAborted', schemaVersion: ROLLOUT_EVENT_SCHEMA_VERSION, at: Date.parse(at), reason: `imported from ${sourceEnv} while it ran: it does not run here` }, `import from ${sourceEnv}`, undefined);
  }
  for (const [stream, job] of jobs) {
    const name = parseStreamName(stream).id;
    for (const rolloutId of job.rollouts) {
      job.last += 1n;
      add(stream, job.last, 'JobRolloutEnded', { job: name, rolloutId, status: 'aborted' }, `import from ${sourceEnv}: rollout ${rolloutId} does not run here`, 1);
    }
    for (const container of job.containers.values()) {
      job.last += 1n;
      add(
        stream,
        job.last,
        'ContainerRemoved',
        { ...container, host: mapHost(input.hosts, container.host) },
        `import from ${sourceEnv}: container ${container.containerId.slice(0, 12)} ran on ${container.host} of ${sourceEnv}, not on ${mapHost(input.hosts, container.host)}`,
        1,
      );
    }
  }
  return closing;
}

/**
 * The plan cut into appends of about `size` events each. A host's stream is never cut: the target's
 * observation follows a host from its declaration on, so its history must already be whole then.
 */
export function importChunks(events: readonly ImportEvent[], size: number): ImportEvent[][] {
  const chunks: ImportEvent[][] = [];
  let chunk: ImportEvent[] = [];
  const whole = (stream: string) => parseStreamName(stream).kind === 'host';
  const remaining = new Map<string, number>();
  for (const event of events) if (whole(event.stream)) remaining.set(event.stream, (remaining.get(event.stream) ?? 0) + 1);
  const open = new Set<string>();
  for (const event of events) {
    chunk.push(event);
    if (whole(event.stream)) {
      const left = (remaining.get(event.stream) as number) - 1;
      remaining.set(event.stream, left);
      if (left > 0) open.add(event.stream);
      else open.delete(event.stream);
    }
    if (chunk.length >= size && open.size === 0) {
      chunks.push(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
