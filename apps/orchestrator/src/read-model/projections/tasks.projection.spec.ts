import { jobStream, type DomainEvent, type EventMetadata } from '@cj/domain';
import type { JobSpec } from '@cj/api';
import type { RecordedEvent } from '@cj/event-store';
import { toEventData } from '../../store/event-codec';
import { TaskQueries } from '../queries/task-queries';
import { openReadDb } from '../read-db';
import { jobsProjection } from './jobs.projection';
import { tasksProjection } from './tasks.projection';

const meta = (second: number): EventMetadata => ({
  actor: 'ops@laptop',
  correlationId: 'c',
  causationId: 'c',
  occurredAt: `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`,
  cjVersion: '0.1.0',
});

const spec = (placement: readonly string[]): JobSpec => ({
  name: 'web',
  image: { registry: '127.77.0.1:5000', repository: 'cj-demo', tag: 'v1', digest: 'sha256:aaa' },
  tasks: placement.map((host, index) => ({ index, host, port: 8080 })),
  envs: [],
  mounts: [],
  health: { type: 'none' },
  update: {
    maxParallel: 1,
    order: 'stop-first',
    minHealthyTime: 1000,
    healthyDeadline: 30000,
    progressDeadline: 120000,
    maxFailureRatio: 0,
    delayBetweenBatches: 0,
    failureAction: 'rollback',
    keepReplaced: 1,
  },
  resources: {},
  restart: 'no',
});

const registered = (second: number, placement: readonly string[]): DomainEvent => ({
  type: 'JobRegistered',
  schemaVersion: 1,
  data: { job: 'web', revision: 1, spec: spec(placement) },
  metadata: meta(second),
});
const revised = (second: number, revision: number, placement: readonly string[]): DomainEvent => ({
  type: 'JobRevisionCreated',
  schemaVersion: 1,
  data: { job: 'web', revision, spec: spec(placement), changes: [] },
  metadata: meta(second),
});
const ended = (second: number, rolloutId: string, revision: number): DomainEvent => ({
  type: 'JobRolloutEnded',
  schemaVersion: 1,
  data: { job: 'web', rolloutId, status: 'rolled-back', revision },
  metadata: meta(second),
});
const container = (
  type: 'ContainerStarted' | 'ContainerStopped' | 'ContainerRemoved',
  second: number,
  task: number,
  host: string,
  containerId: string,
  revision = 1,
): DomainEvent =>
  ({
    type,
    schemaVersion: 1,
    data: { job: 'web', task, host, containerId, ...(type === 'ContainerStarted' && { revision }) },
    metadata: meta(second),
  }) as DomainEvent;

/** Given these events of job `web` in `prod`, folded in order over a real SQLite file in memory: task, host and container per row. */
function given(...events: DomainEvent[]): string[] {
  const db = openReadDb(':memory:');
  for (const projection of [jobsProjection, tasksProjection]) db.exec(projection.schema);
  events.forEach((event, index) => {
    const data = toEventData(event, 'c', jobStream('prod', 'web'), index);
    const record = {
      ...data,
      streamId: jobStream('prod', 'web'),
      revision: BigInt(index),
      position: BigInt(index + 1),
      metadata: data.metadata,
      created: new Date(0),
    } as RecordedEvent;
    jobsProjection.apply(db, record);
    tasksProjection.apply(db, record);
  });
  return new TaskQueries(db)
    .tasks('prod', 'web')
    .map(
      (row) =>
        `${row.task}@${row.host} r${row.desired_revision}: ${row.container_id ?? '-'}@${row.container_host ?? '-'}`,
    );
}

describe('the tasks read model', () => {
  const threeRunning = [
    registered(1, ['h1', 'h2', 'h1']),
    container('ContainerStarted', 2, 0, 'h1', 'a0'),
    container('ContainerStarted', 3, 1, 'h2', 'a1'),
    container('ContainerStarted', 4, 2, 'h1', 'a2'),
  ];

  it('keeps a task the new revision dropped while its container is known, and drops it once that container is removed', () => {
    const scaledDown = [...threeRunning, revised(5, 2, ['h1', 'h2'])];
    expect(given(...scaledDown)).toEqual(['0@h1 r2: a0@h1', '1@h2 r2: a1@h2', '2@h1 r1: a2@h1']);

    // A rollout's leftover step: the dropped task's container stopped, then removed.
    expect(
      given(
        ...scaledDown,
        container('ContainerStopped', 6, 2, 'h1', 'a2'),
        container('ContainerRemoved', 7, 2, 'h1', 'a2'),
      ),
    ).toEqual(['0@h1 r2: a0@h1', '1@h2 r2: a1@h2']);
  });

  it('keeps a task that is still desired when its container is removed', () => {
    expect(given(...threeRunning, container('ContainerRemoved', 5, 2, 'h1', 'a2'))).toEqual([
      '0@h1 r1: a0@h1',
      '1@h2 r1: a1@h2',
      '2@h1 r1: -@-',
    ]);
  });

  it('keeps a dropped task the revision rolled back to has again', () => {
    const rolledBack = [
      ...threeRunning,
      revised(5, 2, ['h1', 'h2']),
      ended(6, 'r-1', 1),
      container('ContainerRemoved', 7, 2, 'h1', 'a2'),
    ];
    expect(given(...rolledBack)).toEqual(['0@h1 r1: a0@h1', '1@h2 r1: a1@h2', '2@h1 r1: -@-']);
  });

  it('a moved task keeps its new host and container when the old one is removed from the old host', () => {
    const moved = [
      ...threeRunning,
      revised(5, 2, ['h1', 'h1', 'h1']),
      container('ContainerStarted', 6, 1, 'h1', 'b1', 2),
      container('ContainerStopped', 7, 1, 'h2', 'a1'),
      container('ContainerRemoved', 8, 1, 'h2', 'a1'),
    ];
    expect(given(...moved)).toEqual(['0@h1 r2: a0@h1', '1@h1 r2: b1@h1', '2@h1 r2: a2@h1']);
  });

  it('a move rolled back shows the old container again, which never stopped, once the new one is removed', () => {
    const rolledBack = [
      ...threeRunning,
      revised(5, 2, ['h1', 'h1', 'h1']),
      container('ContainerStarted', 6, 1, 'h1', 'b1', 2),
      container('ContainerRemoved', 7, 1, 'h1', 'b1'),
      ended(8, 'r-1', 1),
    ];
    expect(given(...rolledBack)).toEqual(['0@h1 r1: a0@h1', '1@h2 r1: a1@h2', '2@h1 r1: a2@h1']);
  });
});
