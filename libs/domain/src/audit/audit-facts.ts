import type { StreamName } from '../events/streams';

/**
 * How much of the log an audit line belongs to. `summary` is what a person reviews: one line per
 * command, container starts, stops and exits, rollout phases and every failure. `detail` is the
 * rest: a rollout's intents and step outcomes, and health checks that passed.
 */
export type AuditLevel = 'summary' | 'detail';

/** What an audit row says about where an event happened, beside its type, actor and reason. */
export interface AuditFacts {
  readonly job?: string;
  readonly task?: number;
  readonly host?: string;
  readonly rollout?: string;
  readonly level: AuditLevel;
}

/**
 * Events that only say how a step went, not what changed: the rollout's intents and outcomes (the
 * job stream records the containers' starts, stops and removals themselves) and passed checks.
 * Any type not listed, including ones added later, is a summary line: better shown than lost.
 */
const DETAIL: ReadonlySet<string> = new Set([
  'HealthCheckPassed',
  'RolloutLeaseAcquired',
  'ImagePullRequested',
  'ImagePulled',
  'TaskUpdateStarted',
  'ContainerStopRequested',
  'RolloutContainerStopped',
  'ContainerRemoveRequested',
  'RolloutContainerRemoved',
  'ContainerCreateRequested',
  'RolloutContainerCreated',
  'ContainerStartRequested',
  'RolloutContainerStarted',
  'RolloutHealthCheckPassed',
  'TaskUpdated',
  'ReplacedContainersRemoved',
]);

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const index = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) ? value : undefined;

/**
 * The job, task, host and rollout an event concerns, from its stream and its payload, and its
 * audit level. A rollout's task events name the task but not its host: `hostOfTask` answers from
 * the rollout's start (the caller keeps it).
 */
export function auditFacts(
  stream: StreamName,
  type: string,
  data: Readonly<Record<string, unknown>>,
  hostOfTask: (task: number) => string | undefined = () => undefined,
): AuditFacts {
  const task = index(data['task']);
  const job = stream.kind === 'job' ? stream.id : text(data['job']);
  const host =
    stream.kind === 'host'
      ? stream.id
      : (text(data['host']) ?? (stream.kind === 'rollout' && task !== undefined ? hostOfTask(task) : undefined));
  const rollout = stream.kind === 'rollout' ? stream.id : text(data['rolloutId']);
  const failedCheck = type === 'UpdatedTaskChecked' && data['passed'] === false;
  const level: AuditLevel = DETAIL.has(type) || (type === 'UpdatedTaskChecked' && !failedCheck) ? 'detail' : 'summary';
  return {
    ...(job !== undefined && { job }),
    ...(task !== undefined && { task }),
    ...(host !== undefined && { host }),
    ...(rollout !== undefined && { rollout }),
    level,
  };
}
