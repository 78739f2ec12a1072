import type { ContainerHealth, EngineContainerEvent, EngineEventAction } from '@cj/domain';
import { LABEL } from './labels';

/** The container actions cj's observation follows; `health_status: healthy` counts as `health_status`. */
export const WATCHED_ACTIONS: readonly EngineEventAction[] = ['start', 'die', 'oom', 'health_status', 'destroy'];

const HEALTH = new Set<ContainerHealth>(['starting', 'healthy', 'unhealthy']);

interface RawEngineEvent {
  readonly Type?: string;
  readonly Action?: string;
  readonly Actor?: { readonly ID?: string; readonly Attributes?: Readonly<Record<string, string>> };
  readonly time?: number;
  readonly timeNano?: number | string;
}

/**
 * One line of `GET /events` as the port's event, or undefined for one cj does not follow (another
 * type, another action, a container without cj's labels). `timeNano` arrives as a JSON number
 * beyond 2^53, so it is read from the raw text to stay exact.
 */
export function parseEngineEvent(line: string): EngineContainerEvent | undefined {
  let raw: RawEngineEvent;
  try {
    raw = JSON.parse(line) as RawEngineEvent;
  } catch {
    return undefined;
  }
  if (raw.Type !== 'container' || !raw.Action || !raw.Actor?.ID) return undefined;
  const [verb, detail] = raw.Action.split(': ', 2) as [string, string | undefined];
  if (!(WATCHED_ACTIONS as readonly string[]).includes(verb)) return undefined;
  const attributes = raw.Actor.Attributes ?? {};
  const env = attributes[LABEL.env];
  if (env === undefined) return undefined;
  const nano = /"timeNano"\s*:\s*(\d+)/.exec(line)?.[1];
  const timeNano = nano !== undefined ? BigInt(nano) : BigInt(raw.time ?? 0) * 1_000_000_000n;
  const exitCode = attributes['exitCode'];
  const health = detail?.trim() as ContainerHealth | undefined;
  return {
    action: verb as EngineEventAction,
    containerId: raw.Actor.ID,
    env,
    job: attributes[LABEL.job] ?? '',
    task: Number(attributes[LABEL.task] ?? -1),
    revision: Number(attributes[LABEL.revision] ?? -1),
    ...(attributes[LABEL.cluster] ? { cluster: attributes[LABEL.cluster] } : {}),
    time: new Date(Number(timeNano / 1_000_000n)).toISOString(),
    timeNano,
    ...(verb === 'die' && exitCode !== undefined && { exitCode: Number(exitCode) }),
    ...(verb === 'health_status' && health !== undefined && HEALTH.has(health) && { health }),
  };
}

/** Docker's `since`: seconds since the epoch with a nanosecond fraction. */
export function engineSince(timeNano: bigint): string {
  const seconds = timeNano / 1_000_000_000n;
  return `${seconds}.${String(timeNano % 1_000_000_000n).padStart(9, '0')}`;
}
