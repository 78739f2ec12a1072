import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore, type EventStore } from '@cj/event-store';
import {
  jobStream,
  rolloutEvent,
  rolloutStream,
  storedRolloutEvent,
  type RolloutEvent,
  type DomainEvent,
  type EventMetadata,
} from '@cj/domain';
import type { JobSpec } from '@cj/api';
import { Metrics } from '../metrics/metrics';
import { toEventData } from '../store/event-codec';
import { ProjectionRunner } from './projection-runner';
import { auditProjection } from './projections/audit.projection';
import { jobsProjection } from './projections/jobs.projection';
import { rolloutsProjection } from './projections/rollouts.projection';
import { tasksProjection } from './projections/tasks.projection';
import { timelineProjection } from './projections/timeline.projection';
import { JobQueries } from './queries/job-queries';
import { TaskQueries } from './queries/task-queries';
import { TimelineQueries } from './queries/timeline-queries';
import { openReadDb, type ReadDb } from './read-db';

const at = (second: number) => `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;
const meta = (second: number, actor = 'alice@laptop'): EventMetadata => ({
  actor,
  correlationId: 'c',
  causationId: 'c',
  occurredAt: at(second),
  cjVersion: '0.1.0',
});

const spec: JobSpec = {
  name: 'web',
  image: { registry: '127.77.0.1:5000', repository: 'cj-demo', tag: 'v1', digest: 'sha256:aaa' },
  tasks: [
    { index: 0, host: 'h1', port: 8080 },
    { index: 1, host: 'h2', port: 8080 },
  ],
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
    keepReplaced: 2,
  },
  resources: {},
  restart: 'no',
};

const history: DomainEvent[] = [
  { type: 'JobRegistered', schemaVersion: 1, data: { job: 'web', revision: 1, spec }, metadata: meta(1) },
  {
    type: 'ContainerStarted',
    schemaVersion: 1,
    data: { job: 'web', task: 0, host: 'h1', containerId: 'c0', revision: 1 },
    metadata: meta(2),
  },
  {
    type: 'ContainerStarted',
    schemaVersion: 1,
    data: { job: 'web', task: 1, host: 'h2', containerId: 'c1', revision: 1 },
    metadata: meta(3),
  },
  {
    type: 'TaskHealthChanged',
    schemaVersion: 2,
    data: { job: 'web', task: 0, host: 'h1', containerId: 'c0', from: 'starting', to: 'healthy' },
    metadata: meta(4, 'orchestrator'),
  },
  {
    type: 'ContainerExited',
    schemaVersion: 1,
    data: { job: 'web', task: 1, host: 'h2', containerId: 'c1', exitCode: 3, oomKilled: false },
    metadata: meta(5, 'orchestrator'),
  },
];

describe('the read models, fed from a real SQLite event store', () => {
  beforeAll(() => Logger.overrideLogger(false));
  let dir: string;
  let store: EventStore;
  let db: ReadDb;
  let runner: ProjectionRunner;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cj-projections-'));
    store = openSqliteEventStore(join(dir, 'cj.db'));
    db = openReadDb(join(dir, 'read.db'));
    runner = new ProjectionRunner(
      store,
      db,
      [jobsProjection, tasksProjection, rolloutsProjection, timelineProjection, auditProjection],
      new Metrics(),
    );
  });

  afterEach(async () => {
    await runner.stop();
    await store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function append(events: readonly DomainEvent[], commandId = 'cmd-1'): Promise<bigint> {
    const result = await store.append(
      jobStream('prod', 'web'),
      events.map((event, index) => toEventData(event, commandId, jobStream('prod', 'web'), index)),
      'any',
    );
    return result.position as bigint;
  }

  it('answers a read after a write once the checkpoint passes the write (read-your-writes)', async () => {
    runner.start();
    await runner.caughtUp();
    const position = await append(history);
    await runner.waitFor(position);
    const tasks = new TaskQueries(db).tasks('prod', 'web');
    expect(
      tasks.map((t) => [t.task, t.host, t.desired_state, t.container_id, t.observed_state, t.health, t.exit_code]),
    ).toEqual([
      [0, 'h1', 'running', 'c0', 'running', 'healthy', null],
      [1, 'h2', 'running', 'c1', 'exited', 'unknown', 3],
    ]);
    expect(new JobQueries(db).history('prod', 'web')).toMatchObject({
      job: 'web',
      current: 1,
      revisions: [{ revision: 1, image: '127.77.0.1:5000/cj-demo:v1', digest: 'sha256:aaa', actor: 'alice@laptop' }],
    });
    expect(new TimelineQueries(db).at('prod', at(4))).toEqual([
      {
        host: 'h1',
        job: 'web',
        task: 0,
        revision: 1,
        image: '127.77.0.1:5000/cj-demo:v1@sha256:aaa',
        containerId: 'c0',
        port: 8080,
        from: at(2),
      },
      {
        host: 'h2',
        job: 'web',
        task: 1,
        revision: 1,
        image: '127.77.0.1:5000/cj-demo:v1@sha256:aaa',
        containerId: 'c1',
        port: 8080,
        from: at(3),
        to: at(5),
      },
    ]);
    expect(new TimelineQueries(db).at('prod', at(6)).map((entry) => entry.containerId)).toEqual(['c0']);
  });

  it("marks a container healthy once a rollout's health gate passes on it, unless observation saw otherwise", async () => {
    runner.start();
    await append(history);
    const started = await append(
      [
        {
          type: 'ContainerStarted',
          schemaVersion: 1,
          data: { job: 'web', task: 1, host: 'h2', containerId: 'c2', revision: 1, rolloutId: 'r1' },
          metadata: meta(6, 'orchestrator'),
        },
        {
          type: 'ContainerStarted',
          schemaVersion: 1,
          data: { job: 'web', task: 0, host: 'h1', containerId: 'c3', revision: 1, rolloutId: 'r1' },
          metadata: meta(7, 'orchestrator'),
        },
        {
          type: 'TaskHealthChanged',
          schemaVersion: 2,
          data: { job: 'web', task: 0, host: 'h1', containerId: 'c3', from: 'starting', to: 'unhealthy' },
          metadata: meta(8, 'orchestrator'),
        },
      ],
      'cmd-2',
    );
    await runner.waitFor(started);
    expect(new TaskQueries(db).tasks('prod', 'web').map((t) => [t.container_id, t.health])).toEqual([
      ['c3', 'unhealthy'],
      ['c2', 'starting'],
    ]);

    const gate = (task: number, containerId: string): RolloutEvent =>
      rolloutEvent('RolloutHealthCheckPassed', { at: 9_000, task, containerId });
    const passed = [gate(1, 'c2'), gate(0, 'c3')].map((event, index) => ({
      id: `00000000-0000-4000-8000-00000000000${index}`,
      type: event.type,
      data: storedRolloutEvent(event),
    }));
    const { position } = await store.append(rolloutStream('prod', 'r1'), passed, 'any');
    await runner.waitFor(position as bigint);

    expect(new TaskQueries(db).tasks('prod', 'web').map((t) => [t.container_id, t.health])).toEqual([
      ['c3', 'unhealthy'],
      ['c2', 'healthy'],
    ]);
  });

  it('resumes from its stored checkpoint and applies nothing twice', async () => {
    await append(history.slice(0, 2));
    runner.start();
    await runner.caughtUp();
    await runner.stop();
    const position = await append(history.slice(2), 'cmd-2');
    runner.start();
    await runner.waitFor(position);
    expect((db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n).toBe(history.length);
  });

  it('rebuilds from zero to the same rows', async () => {
    runner.start();
    await runner.waitFor(await append(history));
    const dump = () =>
      ['jobs', 'revisions', 'tasks', 'timeline', 'audit_log'].map((table) =>
        db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).all(),
      );
    const live = dump();
    await runner.rebuild();
    await runner.caughtUp();
    expect(dump()).toEqual(live);
  });

  it('rebuilds beside the live read models: readers see every row throughout, and the new ones take over at the same position', async () => {
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;
    const seen: number[] = [];
    // What a reader of the live read models sees each time the rebuild folds an event into its copy.
    const watched = {
      ...auditProjection,
      apply: (into: ReadDb, event: Parameters<typeof auditProjection.apply>[1]) => {
        if (into !== db) seen.push(count());
        auditProjection.apply(into, event);
      },
    };
    const beside = new ProjectionRunner(store, db, [jobsProjection, watched], new Metrics());
    beside.start();
    const position = await append(history);
    await beside.waitFor(position);
    // A row the log does not back: the rebuild puts it right.
    db.prepare(`UPDATE jobs SET current_revision = 99`).run();
    await beside.rebuild();
    expect(seen).toEqual(history.map(() => history.length));
    expect(
      (db.prepare('SELECT current_revision FROM jobs').get() as { current_revision: number }).current_revision,
    ).toBe(1);
    expect(beside.position).toBe(position);
    // And it follows the log again.
    await beside.waitFor(await append(history.slice(4), 'cmd-2'));
    expect(count()).toBe(history.length + 1);
    await beside.stop();
  });

  it('verifies the live read models against a replay of the log, naming each table and row that differs', async () => {
    runner.start();
    await runner.waitFor(await append(history));
    const clean = await runner.verify();
    expect(clean.differences).toEqual([]);
    expect(clean.events).toBe(history.length);

    db.prepare(`UPDATE jobs SET current_revision = 99`).run();
    db.prepare(`DELETE FROM audit_log WHERE type = 'ContainerExited'`).run();
    const report = await runner.verify();
    expect(
      report.differences.map(({ projection, table, onlyLive, onlyRebuilt }) => ({
        projection,
        table,
        onlyLive,
        onlyRebuilt,
      })),
    ).toEqual([
      { projection: jobsProjection.name, table: 'jobs', onlyLive: 1, onlyRebuilt: 1 },
      { projection: auditProjection.name, table: 'audit_log', onlyLive: 0, onlyRebuilt: 1 },
    ]);
    expect(report.differences[0].samples.live).toEqual([expect.objectContaining({ current_revision: 99 })]);
    expect(report.differences[1].samples.rebuilt).toEqual([expect.objectContaining({ type: 'ContainerExited' })]);
  });

  it('replays a read model whose version or schema changed, and only that one', async () => {
    runner.start();
    await runner.waitFor(await append(history));
    await runner.stop();
    // Rows a replay would put right: tasks are the changed projection, the jobs one stays as built.
    db.prepare(`UPDATE tasks SET health = 'stale'`).run();
    db.prepare(`UPDATE jobs SET current_revision = 99`).run();
    const healthOf = () =>
      (db.prepare('SELECT DISTINCT health FROM tasks ORDER BY 1').all() as { health: string }[]).map(
        (row) => row.health,
      );
    const currentOf = () =>
      (db.prepare('SELECT current_revision FROM jobs').get() as { current_revision: number }).current_revision;

    const same = new ProjectionRunner(
      store,
      db,
      [jobsProjection, tasksProjection, rolloutsProjection, timelineProjection, auditProjection],
      new Metrics(),
    );
    same.start();
    await same.caughtUp();
    await same.stop();
    expect(healthOf()).toEqual(['stale']);

    const changed = new ProjectionRunner(
      store,
      db,
      [
        jobsProjection,
        { ...tasksProjection, version: tasksProjection.version + 1 },
        rolloutsProjection,
        timelineProjection,
        auditProjection,
      ],
      new Metrics(),
    );
    changed.start();
    await changed.caughtUp();
    await changed.stop();
    expect(healthOf()).toEqual(['healthy', 'unknown']);
    expect(currentOf()).toBe(99);
    expect((db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n).toBe(history.length);
  });

  it('replays a long log in committed batches: a failure mid-batch leaves rows and checkpoints at the last whole batch', async () => {
    // 2,500 events in one stream, then a projection that fails on the 1,500th.
    const many: DomainEvent[] = Array.from({ length: 2500 }, (_, i) => ({
      type: 'TaskHealthChanged',
      schemaVersion: 2,
      data: {
        job: 'web',
        task: 0,
        host: 'h1',
        containerId: 'c0',
        from: i % 2 ? 'healthy' : 'unhealthy',
        to: i % 2 ? 'unhealthy' : 'healthy',
      },
      metadata: meta(1, 'orchestrator'),
    }));
    for (let i = 0; i < many.length; i += 500) await append(many.slice(i, i + 500), `cmd-${i}`);
    let seen = 0;
    const failing = {
      ...auditProjection,
      apply: (into: ReadDb, event: Parameters<typeof auditProjection.apply>[1]) => {
        if (++seen === 1500) throw new Error('disk full');
        auditProjection.apply(into, event);
      },
    };
    const broken = new ProjectionRunner(store, db, [failing], new Metrics());
    broken.start();
    const rows = () => (db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;
    const checkpoint = () =>
      (
        db.prepare("SELECT position FROM projection_checkpoint WHERE name = 'audit'").get() as
          { position: number } | undefined
      )?.position;
    for (let waited = 0; seen < 1500 && waited < 30_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await broken.stop();
    // The batch the failure fell in was rolled back whole: rows and checkpoint agree, at 1,000.
    expect(rows()).toBe(1000);
    expect(checkpoint()).toBe(Number((await store.readAll({ maxCount: 1000 })).at(-1)?.position));

    // Started again, it resumes from there and folds the rest.
    const metrics = new Metrics();
    const healthy = new ProjectionRunner(store, db, [auditProjection], metrics);
    healthy.start();
    await healthy.caughtUp();
    await healthy.stop();
    expect(rows()).toBe(2500);
    expect((await metrics.projectionReplayRate.get()).values[0].value).toBeGreaterThan(0);
  });

  it('gives up waiting with a typed error when the position never comes', async () => {
    runner.start();
    await runner.caughtUp();
    await expect(runner.waitFor(10_000n, 50)).rejects.toThrow(/did not reach log position 10000/);
  });
});
