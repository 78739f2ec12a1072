import type { EventMetadata } from '../events/metadata';
import type { JobEvent } from '../job/events';
import { jobSpec } from './job-specs';

/**
 * One job's history for given-when-then tests: `web` registered at revision 1 (`jobSpec()`), its
 * task 0 started on h1, stopped, and the job removed; and the same image at v2.
 */
export const testEventMetadata: EventMetadata = {
  actor: 'ops@laptop',
  reason: 'release',
  correlationId: 'cmd-1',
  causationId: 'cmd-1',
  occurredAt: '2015-06-01T10:00:00.000Z',
  cjVersion: '0.1.0',
};

export const webV1 = jobSpec();
export const webV2 = jobSpec({ image: { ...webV1.image, tag: 'v2', digest: `sha256:${'2'.repeat(64)}` } });
/** Task 0 of `web` on h1, in container c-1. */
export const webContainer = { job: 'web', task: 0, host: 'h1', containerId: 'c-1' };

const metadata = testEventMetadata;
export const webRegistered: JobEvent = {
  type: 'JobRegistered',
  schemaVersion: 1,
  data: { job: 'web', revision: 1, spec: webV1 },
  metadata,
};
export const webStarted: JobEvent = {
  type: 'ContainerStarted',
  schemaVersion: 1,
  data: { ...webContainer, revision: 1 },
  metadata,
};
export const webStopped: JobEvent = { type: 'ContainerStopped', schemaVersion: 1, data: webContainer, metadata };
export const webRemoved: JobEvent = {
  type: 'JobRemoved',
  schemaVersion: 1,
  data: { job: 'web', lastRevision: 1 },
  metadata,
};
