import { v5 as uuidv5 } from 'uuid';
import { parseStreamName } from '../events/streams';
import { isTerminalRolloutEvent, rolloutEvent, storedRolloutEvent } from '../rollout/events';
import { targetHostAddress, type HostTarget } from '@cj/api';
import type { PortableEvent, PortableHeader } from './format';

/** An event as the import appends it: its target stream, the revision it must land at, and a deterministic id. */
export interface ImportEvent {
  readonly stream: string;
  readonly revision: string;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
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

const mapHost = (hosts: Readonly<Record<string, HostTarget>>, host: string): string => hosts[host]?.name ?? host;

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
export function rewriteHosts(data: unknown, hosts: Readonly<Record<string, HostTarget>>, ownHost?: string): unknown {
  const own = ownHost === undefined ? undefined : hosts[ownHost];
  const visit = (value: unknown, key?: string, parent?: Record<string, unknown>): unknown => {
    if (typeof value === 'string') {
      if (key === 'host') return mapHost(hosts, value);
      if (
        (key === 'before' || key === 'after') &&
        typeof parent?.['path'] === 'string' &&
        /\.host$/.test(parent['path'])
      )
        return mapHost(hosts, value);
      if (key === 'endpoint' && own?.endpoint) return own.endpoint;
      if (key === 'address' && own?.endpoint) return targetHostAddress({ ...own, endpoint: own.endpoint });
      return value;
    }
    if (Array.isArray(value))
      return value.map((item) => (key === 'hosts' && typeof item === 'string' ? mapHost(hosts, item) : visit(item)));
    if (value !== null && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, visit(v, k, object)]));
    }
    return value;
  };
  return visit(data);
}

/** The stream's name in the target env, its host renamed when it is a host's. */
export function targetStream(stream: string, targetEnv: string, hosts: Readonly<Record<string, HostTarget>>): string {
  const { kind, id } = parseStreamName(stream);
  return `cj.${targetEnv}.${kind}.${kind === 'host' ? mapHost(hosts, id) : id}`;
}

export interface ImportTarget {
  readonly sourceEnv: string;
  /** The source store's identity (the file's header), named in each imported event's source. */
  readonly sourceStore: string;
  readonly targetEnv: string;
  readonly hosts: Readonly<Record<string, HostTarget>>;
}

/**
 * An event of the file as the import appends it: its stream moved to the target env (a host's
 * renamed), its data's host names rewritten, its metadata kept (actor, reason, time, ids) but for
 * the source's hash link, which the target's store chains anew, plus `metadata.source` naming the
 * event it was made from; at the revision it had in the source (a file holds each stream from its
 * first event), with an id derived from its source.
 */
export function importEvent(event: PortableEvent, target: ImportTarget): ImportEvent {
  const { chain: _chain, source: _source, ...metadata } = event.metadata;
  const stream = parseStreamName(event.stream);
  return {
    stream: targetStream(event.stream, target.targetEnv, target.hosts),
    revision: event.revision,
    id: importedEventId(target.sourceEnv, event.stream, event.revision, target.targetEnv),
    type: event.type,
    data: rewriteHosts(event.data, target.hosts, stream.kind === 'host' ? stream.id : undefined),
    metadata: {
      ...metadata,
      source: {
        env: target.sourceEnv,
        stream: event.stream,
        revision: event.revision,
        position: event.position,
        storeId: target.sourceStore,
      },
    },
  };
}

/** The streams whose events an import appends last: a host is declared once what its tasks ran is closed. */
export const importsLast = (stream: string): boolean => parseStreamName(stream).kind === 'host';

export interface ClosingInput extends ImportTarget {
  /** The file's header: the closing events are dated at its cut, so every run makes the same ones. */
  readonly header: PortableHeader;
  /** Who runs the import: the actor of the closing events. */
  readonly actor: string;
  readonly cjVersion: string;
}

/** An event of the target env as an import recorded it from the file: its stream, revision, type and (rewritten) data. */
export interface ImportedRecord {
  readonly stream: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: unknown;
}

interface OpenJob {
  /** Containers by id: still on their host as far as the history knows. */
  readonly containers: Map<string, { job: string; task: number; host: string; containerId: string }>;
  /** Rollouts the job stream marks started and not ended. */
  readonly rollouts: Set<string>;
  last: bigint;
}

/** Folds each job and rollout stream for what is still open at its end: containers not removed, rollouts not ended. */
function openAtEnd(records: readonly ImportedRecord[]): {
  jobs: Map<string, OpenJob>;
  rollouts: Map<string, { last: bigint; ended: boolean }>;
} {
  const jobs = new Map<string, OpenJob>();
  const rollouts = new Map<string, { last: bigint; ended: boolean }>();
  for (const record of records) {
    const kind = parseStreamName(record.stream).kind;
    if (kind === 'rollout') {
      const rollout = rollouts.get(record.stream) ?? { last: -1n, ended: false };
      rollout.last = record.revision;
      rollout.ended ||= isTerminalRolloutEvent(record.type);
      rollouts.set(record.stream, rollout);
      continue;
    }
    if (kind !== 'job') continue;
    let job = jobs.get(record.stream);
    if (!job) jobs.set(record.stream, (job = { containers: new Map(), rollouts: new Set(), last: -1n }));
    job.last = record.revision;
    const data = record.data as { job: string; task: number; host: string; containerId?: string; rolloutId?: string };
    switch (record.type) {
      case 'ContainerStarted':
      case 'TaskRestarted':
        if (data.containerId)
          job.containers.set(data.containerId, {
            job: data.job,
            task: data.task,
            host: data.host,
            containerId: data.containerId,
          });
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

/**
 * What an import records after the file's job and rollout events, because the target's hosts do
 * not hold what the source's did: every container the history says exists is recorded as removed
 * (`ContainerRemoved`), so a job that was meant to run is still meant to run and reconcile
 * (`reconcile: restart`) or `cj up` starts it on its new host; a rollout the file leaves open is
 * aborted (`RolloutAborted`) and its job's mark ended (`JobRolloutEnded`). `records` are the file's
 * events as imported (target streams, rewritten data), each stream from its start. The events are
 * the same on every run (ids, revisions, time: the file's cut), so a closing already recorded is
 * recognised.
 */
export function closingEvents(records: readonly ImportedRecord[], input: ClosingInput): ImportEvent[] {
  const at = input.header.asOf ?? input.header.exportedAt;
  const correlationId = uuidv5(`${input.sourceEnv}/${at}→${input.targetEnv}`, IMPORT_NAMESPACE);
  const sourceHost = (host: string) =>
    Object.entries(input.hosts).find(([, target]) => target.name === host)?.[0] ?? host;
  const { jobs, rollouts } = openAtEnd(records);
  const closing: ImportEvent[] = [];
  const add = (
    stream: string,
    revision: bigint,
    type: string,
    data: unknown,
    reason: string,
    schemaVersion?: number,
  ) => {
    closing.push({
      stream,
      revision: String(revision),
      id: importedEventId(input.sourceEnv, stream, `${revision}:closing`, input.targetEnv),
      type,
      data,
      metadata: {
        actor: input.actor,
        reason: `import from ${input.sourceEnv}: ${reason}`,
        correlationId,
        causationId: correlationId,
        occurredAt: at,
        cjVersion: input.cjVersion,
        ...(schemaVersion !== undefined && { schemaVersion }),
      },
    });
  };
  for (const [stream, rollout] of rollouts) {
    if (rollout.ended) continue;
    const reason = `rollout ${parseStreamName(stream).id} was running in ${input.sourceEnv}; it does not run here`;
    add(
      stream,
      rollout.last + 1n,
      'RolloutAborted',
      storedRolloutEvent(rolloutEvent('RolloutAborted', { at: Date.parse(at), reason })),
      reason,
    );
  }
  for (const [stream, job] of jobs) {
    let revision = job.last;
    for (const rolloutId of job.rollouts) {
      add(
        stream,
        (revision += 1n),
        'JobRolloutEnded',
        { job: parseStreamName(stream).id, rolloutId, status: 'aborted' },
        `rollout ${rolloutId} does not run here`,
        1,
      );
    }
    for (const container of job.containers.values()) {
      add(
        stream,
        (revision += 1n),
        'ContainerRemoved',
        container,
        `container ${container.containerId.slice(0, 12)} ran on ${sourceHost(container.host)} of ${input.sourceEnv}, not on ${container.host}`,
        1,
      );
    }
  }
  return closing;
}
