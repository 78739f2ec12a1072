import { hostStream, jobStream, type DomainEvent, type EventMetadata } from '@cj/domain';
import type { RecordedEvent } from '@cj/event-store';
import { toEventData } from '../../store/event-codec';
import type { Projection } from '../projection';
import { openReadDb, type ReadDb } from '../read-db';
import { auditProjection } from './audit.projection';
import { jobsProjection } from './jobs.projection';
import { timelineProjection } from './timeline.projection';

const at = (second: number) => `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;
const meta = (second: number): EventMetadata => ({
  actor: 'orchestrator',
  reason: 'observed on host h1',
  correlationId: 'c',
  causationId: 'c',
  occurredAt: at(second),
  cjVersion: '0.1.0',
});
const stray = { host: 'h1', containerId: 'c-stray', job: 'web', task: 0, revision: 9 };

const found: DomainEvent = {
  type: 'UnexpectedContainerFound',
  schemaVersion: 1,
  data: { ...stray, image: 'cj-demo:v1', name: 'web-debug', startedAt: '2026-01-01T00:00:01.123456789Z' },
  metadata: meta(3),
};
const gone: DomainEvent = {
  type: 'UnexpectedContainerGone',
  schemaVersion: 1,
  data: { ...stray, now: 'known' },
  metadata: meta(5),
};
const adopted: DomainEvent = { type: 'ContainerStarted', schemaVersion: 1, data: { ...stray }, metadata: meta(5) };

/** Given these events on these streams, applied in order to the projections over a real SQLite file in memory. */
function given(projections: readonly Projection[], ...events: [string, DomainEvent][]): ReadDb {
  const db = openReadDb(':memory:');
  for (const projection of projections) db.exec(projection.schema);
  events.forEach(([streamId, event], index) => {
    const data = toEventData(event, 'c', streamId, index);
    const record: RecordedEvent = {
      ...data,
      streamId,
      revision: BigInt(index),
      position: BigInt(index + 1),
      metadata: data.metadata,
      created: new Date(at(59)),
    };
    for (const projection of projections) projection.apply(db, record);
  });
  return db;
}

describe('unexpected containers in the read models', () => {
  it('are audited on the host stream under their job, with a readable summary', () => {
    const db = given([auditProjection], [hostStream('prod', 'h1'), found], [hostStream('prod', 'h1'), gone]);

    expect(
      db.prepare('SELECT env, at, stream, type, job, actor, summary FROM audit_log ORDER BY position').all(),
    ).toEqual([
      {
        env: 'prod',
        at: at(3),
        stream: 'cj.prod.host.h1',
        type: 'UnexpectedContainerFound',
        job: 'web',
        actor: 'orchestrator',
        summary:
          'unexpected container found, left running: job=web revision=9 task=0 host=h1 image=cj-demo:v1 name=web-debug containerId=c-stray',
      },
      {
        env: 'prod',
        at: at(5),
        stream: 'cj.prod.host.h1',
        type: 'UnexpectedContainerGone',
        job: 'web',
        actor: 'orchestrator',
        summary:
          'unexpected container now accounted for by its job: job=web revision=9 task=0 host=h1 containerId=c-stray',
      },
    ]);
  });

  it('show in the timeline from when the container started until it is no longer unexpected; an adoption then begins a run of its own', () => {
    // The jobs projection keeps the revisions whose images the timeline names (none given here, so it reads unknown).
    const db = given(
      [jobsProjection, timelineProjection],
      [hostStream('prod', 'h1'), found],
      [hostStream('prod', 'h1'), gone],
      [jobStream('prod', 'web'), adopted],
    );

    expect(
      db
        .prepare('SELECT host, job, task, revision, image, container_id, from_at, to_at FROM timeline ORDER BY from_at')
        .all(),
    ).toEqual([
      {
        host: 'h1',
        job: 'web',
        task: 0,
        revision: 9,
        image: 'cj-demo:v1',
        container_id: 'c-stray',
        from_at: '2026-01-01T00:00:01.123Z',
        to_at: at(5),
      },
      {
        host: 'h1',
        job: 'web',
        task: 0,
        revision: 9,
        image: 'unknown',
        container_id: 'c-stray',
        from_at: at(5),
        to_at: null,
      },
    ]);
  });
});
