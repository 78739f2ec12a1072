import type { EventSource } from '@cj/api';
import { streamOf } from './projected-event';

/** Fields worth a word in an audit line, in the order they read best. */
const SUMMARY_FIELDS = [
  'job',
  'rolloutId',
  'fromRevision',
  'toRevision',
  'revision',
  'status',
  'task',
  'role',
  'host',
  'image',
  'name',
  'containerId',
  'health',
  'exitCode',
  'detail',
  'reason',
] as const;

/** What became of an unexpected container that is no longer one, by `UnexpectedContainerGone.now`. */
const GONE: Readonly<Record<string, string>> = {
  stopped: 'stopped',
  removed: 'removed',
  known: 'now accounted for by its job',
};

/** Headlines for events whose type alone would not say what cj did about them. */
const HEADLINES: Readonly<Record<string, (data: Readonly<Record<string, unknown>>) => string>> = {
  // cj leaves such a container alone; the audit line is how a person learns of it.
  UnexpectedContainerFound: () => 'unexpected container found, left running',
  UnexpectedContainerGone: (data) => `unexpected container ${GONE[String(data['now'])] ?? 'gone'}`,
  HostHeld: () =>
    'host held: the store was started somewhere else than where it last ran; cj does not act here until cj hosts confirm',
  HostConfirmed: () => "host confirmed as this cluster's; cj acts on it again",
  HostSharedWithCluster: (data) => {
    const containers = Array.isArray(data['containers']) ? data['containers'].length : 0;
    return `another cluster (store ${String(data['otherStoreId'])}) runs ${containers} container${containers === 1 ? '' : 's'} here; cj leaves them alone`;
  },
  HostNoLongerShared: (data) => `the other cluster's containers (store ${String(data['otherStoreId'])}) are gone`,
  // Where it was is kept in a nested object the common fields skip; the engine is what people recognise.
  HostRetired: (data) => {
    const endpoint = (data['last'] as { endpoint?: unknown } | undefined)?.endpoint;
    return typeof endpoint === 'string' ? `host retired (was ${endpoint})` : 'host retired';
  },
  LeftoverContainersRemoved: (data) => {
    const removed = Array.isArray(data['containers']) ? (data['containers'] as { task: number; host: string }[]) : [];
    const failed = Array.isArray(data['failures']) ? (data['failures'] as { host: string }[]) : [];
    const where = removed.map((c) => `task ${c.task} on ${c.host}`).join(', ');
    const unreached = failed.length > 0 ? `; not reached: ${failed.map((f) => f.host).join(', ')}` : '';
    return removed.length > 0
      ? `removed what the new placement left behind (${where})${unreached}`
      : `nothing left behind by the new placement${unreached}`;
  },
  ShellSessionStarted: (data) => {
    const command = Array.isArray(data['command']) ? (data['command'] as unknown[]).join(' ') : '';
    return `shell session opened (${String(data['client'])}${data['tty'] === true ? ', terminal' : ''}): ${command}`;
  },
  ShellSessionEnded: (data) =>
    `shell session ended (${String(data['end'])}${typeof data['durationMs'] === 'number' ? ` after ${Math.round(data['durationMs'] / 1000)}s` : ''})`,
  // The attempt and the engine's answer are what a person reading a restart loop needs.
  TaskRestarted: (data) => `task restarted by reconcile (attempt ${String(data['attempt'])})`,
  TaskRestartFailed: (data) =>
    `task restart by reconcile failed (attempt ${String(data['attempt'])}): ${String(data['error'])}`,
  JobStopped: () => 'job brought down: reconcile leaves its tasks stopped until it is up again',
  RolloutMonitoringStarted: (data) =>
    typeof data['until'] === 'number'
      ? `last batch passed; watching the updated tasks until ${new Date(data['until']).toISOString()}`
      : 'rollout monitoring started',
  RolloutWaitedOnStore: (data) =>
    typeof data['from'] === 'number' && typeof data['to'] === 'number'
      ? `waited ${((data['to'] - data['from']) / 1000).toFixed(1)}s for the event store to take writes (${String(data['reason'])}); deadlines moved on by as much`
      : 'waited for the event store',
};

/**
 * A one-line, human summary of an event from its common fields, so the audit log reads well for
 * every event type, including ones added later.
 */
export function summarize(type: string, data: Readonly<Record<string, unknown>>): string {
  const words = HEADLINES[type]?.(data) ?? type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const parts: string[] = [];
  for (const field of SUMMARY_FIELDS) {
    const value = data[field];
    if (value === undefined || value === null || typeof value === 'object') continue;
    const text = field === 'containerId' ? String(value).slice(0, 12) : String(value);
    parts.push(`${field}=${text}`);
  }
  if (typeof data['spec'] === 'object' && data['spec'] !== null && !('image' in data)) {
    const image = (data['spec'] as { image?: { repository?: string; tag?: string } }).image;
    if (image?.repository) parts.push(`image=${image.repository}:${image.tag ?? ''}`);
  }
  return parts.length > 0 ? `${words}: ${parts.join(' ')}` : words;
}

/**
 * Where a replicated or imported event came from, for its audit line (and so for `cj why`):
 * ` (replicated from prod/web rev 3 @ position 1234)`, rev being the source event's revision in its
 * stream. Empty for an event cj recorded itself.
 */
export function sourceNote(source: EventSource | undefined): string {
  if (!source || typeof source !== 'object') return '';
  const stream = streamOf(String(source.stream));
  const name = stream ? `${stream.kind === 'job' ? '' : `${stream.kind} `}${stream.id}` : String(source.stream);
  const from = `${source.env}/${name} rev ${source.revision} @ position ${source.position}`;
  return source.storeId === undefined
    ? ` (replicated from ${from})`
    : ` (imported from ${from} of store ${source.storeId})`;
}
