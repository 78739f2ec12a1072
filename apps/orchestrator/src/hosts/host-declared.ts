import type { EventData, RecordedEvent } from '@cj/event-store';
import { eventId, type EventMetadata, type HostSpec } from '@cj/domain';

/**
 * `HostDeclared` (stream `cj.<env>.host.<name>`): a host's Docker endpoint and address as the
 * applied jobs file declares them; recorded when they first appear or change. The domain's host
 * events only cover reachability, and `up` must know where a task's host is.
 */
export const HOST_DECLARED = 'HostDeclared';

export interface HostDeclaredData {
  readonly host: string;
  readonly endpoint: string;
  readonly address: string;
  readonly tls?: HostSpec['tls'];
}

export function hostDeclared(spec: HostSpec, metadata: EventMetadata, commandId: string, index: number): EventData {
  const data: HostDeclaredData = { host: spec.name, endpoint: spec.endpoint, address: spec.address, ...(spec.tls && { tls: spec.tls }) };
  return { id: eventId(commandId, index), type: HOST_DECLARED, data, metadata: { ...metadata, schemaVersion: 1 } };
}

/** The host as its stream last declared it. */
export function lastDeclared(records: readonly RecordedEvent[]): HostSpec | undefined {
  const last = [...records].reverse().find((record) => record.type === HOST_DECLARED);
  if (!last) return undefined;
  const data = last.data as HostDeclaredData;
  return { name: data.host, endpoint: data.endpoint, address: data.address, ...(data.tls && { tls: data.tls }) };
}

export function sameHost(a: HostSpec, b: HostSpec): boolean {
  return a.name === b.name && a.endpoint === b.endpoint && a.address === b.address && JSON.stringify(a.tls ?? null) === JSON.stringify(b.tls ?? null);
}
