/**
 * The audit and time-travel read side at scale: a log of EVENTS events (default 1,000,000) for
 * 200 jobs on 8 hosts, written through the store's append API as cj writes them (revisions,
 * rollouts step by step, container facts, health checks, observations); then a replay of it into
 * fresh read models beside the raw global read of the same file in the same run (and beside the
 * replay one transaction per event, as before, on the first 100,000 events); then the queries the
 * CLI and the status page make, p50/p99 each. Prints sizes and the peak RSS.
 * Usage: audit [directory] [--events N]  (default: a new directory under the system temp dir)
 */
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v4 as uuid } from 'uuid';
import {
  DEFAULT_HEALTH,
  DEFAULT_UPDATE_POLICY,
  accepted,
  decideRollout,
  hostStream,
  jobStream,
  rolloutEvent,
  rolloutStream,
  storedRolloutEvent,
  type DomainEvent,
  type EventMetadata,
  type RolloutEvent,
} from '@cj/domain';
import type { JobSpec } from '@cj/api';
import { openSqliteEventStore, type EventData, type EventStore, type SqliteEventStore } from '@cj/event-store';
/* eslint-disable @nx/enforce-module-boundaries -- the benchmark measures the orchestrator's own read side, in process */
import { Metrics } from '../../apps/orchestrator/src/metrics/metrics';
import { ProjectionRunner } from '../../apps/orchestrator/src/read-model/projection-runner';
import { ReadModelCopy } from '../../apps/orchestrator/src/read-model/read-model-copy';
import type { Projection } from '../../apps/orchestrator/src/read-model/projection';
import { auditProjection } from '../../apps/orchestrator/src/read-model/projections/audit.projection';
import { hostsProjection } from '../../apps/orchestrator/src/read-model/projections/hosts.projection';
import { jobsProjection } from '../../apps/orchestrator/src/read-model/projections/jobs.projection';
import { rolloutsProjection } from '../../apps/orchestrator/src/read-model/projections/rollouts.projection';
import { tasksProjection } from '../../apps/orchestrator/src/read-model/projections/tasks.projection';
import { timelineProjection } from '../../apps/orchestrator/src/read-model/projections/timeline.projection';
import { AuditQueries } from '../../apps/orchestrator/src/read-model/queries/audit-queries';
import { JobQueries } from '../../apps/orchestrator/src/read-model/queries/job-queries';
import { TimelineQueries } from '../../apps/orchestrator/src/read-model/queries/timeline-queries';
import { openReadDb, type ReadDb } from '../../apps/orchestrator/src/read-model/read-db';
import { toEventData } from '../../apps/orchestrator/src/store/event-codec';
/* eslint-enable @nx/enforce-module-boundaries */

const ENV = 'bench';
const JOBS = 200;
const HOSTS = Array.from({ length: 8 }, (_, i) => `h${i + 1}`);
const ACTORS = ['ana@laptop', 'bo@desk', 'ci@runner'];
const PROJECTIONS: Projection[] = [
  jobsProjection,
  tasksProjection,
  hostsProjection,
  timelineProjection,
  rolloutsProjection,
  auditProjection,
];
const BASELINE_EVENTS = 100_000;
const SAMPLES = 40;

interface JobLife {
  readonly name: string;
  readonly tasks: { readonly task: number; readonly host: string; readonly port: number }[];
  revision: number;
  containers: string[];
  streamRevision: bigint;
}

/** Writes a realistic log; returns how many events it wrote and the time span it covers. */
class LogWriter {
  written = 0;
  clock = Date.parse('2026-01-01T00:00:00Z');
  private readonly jobs: JobLife[];
  private readonly hostRevisions = new Map<string, bigint>();

  constructor(private readonly store: EventStore) {
    this.jobs = Array.from({ length: JOBS }, (_, j) => {
      const first = (j * 2) % HOSTS.length;
      return {
        name: `job-${j}`,
        tasks: [0, 1].map((task) => ({ task, host: HOSTS[(first + task) % HOSTS.length], port: 10_000 + j })),
        revision: 0,
        containers: [],
        streamRevision: -1n,
      };
    });
  }

  private metadata(actor: string, correlationId: string, reason?: string): EventMetadata {
    return {
      actor,
      correlationId,
      causationId: correlationId,
      occurredAt: new Date(this.clock).toISOString(),
      cjVersion: 'bench',
      ...(reason && { reason }),
    };
  }

  private spec(job: JobLife): JobSpec {
    return {
      name: job.name,
      image: {
        registry: 'registry.internal:5000',
        repository: job.name,
        tag: `v${job.revision}`,
        digest: `sha256:${job.revision.toString(16).padStart(64, '0')}`,
      },
      tasks: job.tasks.map((t) => ({ index: t.task, host: t.host, port: t.port })),
      envs: [{ key: 'release', value: String(job.revision) }],
      mounts: [],
      health: DEFAULT_HEALTH,
      update: DEFAULT_UPDATE_POLICY,
      resources: {},
      restart: 'unless-stopped',
    };
  }

  private async appendJob(job: JobLife, events: DomainEvent[]): Promise<void> {
    const command = uuid();
    const stream = jobStream(ENV, job.name);
    const data = events.map((event, index) => toEventData(event, command, stream, index));
    await this.store.append(stream, data, job.streamRevision < 0n ? 'no_stream' : job.streamRevision);
    job.streamRevision += BigInt(events.length);
    this.written += events.length;
  }

  private async appendHost(host: string, events: DomainEvent[]): Promise<void> {
    const command = uuid();
    const revision = this.hostRevisions.get(host) ?? -1n;
    const stream = hostStream(ENV, host);
    await this.store.append(
      stream,
      events.map((event, index) => toEventData(event, command, stream, index)),
      revision < 0n ? 'no_stream' : revision,
    );
    this.hostRevisions.set(host, revision + BigInt(events.length));
    this.written += events.length;
  }

  async declareHosts(): Promise<void> {
    for (const host of HOSTS) {
      await this.appendHost(host, [
        {
          type: 'HostDeclared',
          schemaVersion: 1,
          data: { host, endpoint: `tcp://${host}:2376`, address: host },
          metadata: this.metadata('ana@laptop', uuid()),
        } as DomainEvent,
      ]);
    }
  }

  /** One job's change: a revision by a person, its rollout step by step, what the containers did. */
  async rollout(cycle: number): Promise<void> {
    const job = this.jobs[cycle % JOBS];
    const actor = ACTORS[cycle % ACTORS.length];
    const command = uuid();
    this.clock += 1000;
    const from = job.revision === 0 ? undefined : job.revision;
    job.revision += 1;
    const to = job.revision;
    const reason = `release ${to} of ${job.name}`;
    const meta = () => this.metadata(actor, command, reason);
    const rolloutId = uuid();
    const spec = this.spec(job);
    await this.appendJob(job, [
      from === undefined
        ? ({
            type: 'JobRegistered',
            schemaVersion: 1,
            data: { job: job.name, revision: to, spec },
            metadata: meta(),
          } as DomainEvent)
        : ({
            type: 'JobRevisionCreated',
            schemaVersion: 1,
            data: {
              job: job.name,
              revision: to,
              spec,
              changes: [{ path: 'image.tag', before: `v${from}`, after: `v${to}` }],
            },
            metadata: meta(),
          } as DomainEvent),
      {
        type: 'JobRolloutStarted',
        schemaVersion: 1,
        data: { job: job.name, rolloutId, ...(from !== undefined && { fromRevision: from }), toRevision: to },
        metadata: meta(),
      } as DomainEvent,
    ]);

    const runner = () => this.metadata('orchestrator', rolloutId);
    let at = this.clock;
    const step = () => (at += 50);
    const events: RolloutEvent[] = [
      ...accepted(
        decideRollout(
          {
            type: 'StartRollout',
            data: {
              id: rolloutId,
              env: ENV,
              job: job.name,
              fromRevision: from,
              toRevision: to,
              policy: { ...DEFAULT_UPDATE_POLICY, maxParallel: 2 },
              probeInterval: 1000,
              tasks: job.tasks,
            },
            now: at,
          },
          { exists: false },
        ),
      ),
    ];
    const fresh = job.tasks.map((t) => `${uuid().replace(/-/g, '')}${t.task}`.slice(0, 64).padEnd(64, '0'));
    for (const t of job.tasks) {
      const old = job.containers[t.task];
      const id = fresh[t.task];
      events.push(
        rolloutEvent('TaskUpdateStarted', { at: step(), task: t.task, direction: 'forward' }),
        ...(old
          ? [
              rolloutEvent('ContainerStopRequested', { at: step(), task: t.task, role: 'old' }),
              rolloutEvent('RolloutContainerStopped', { at: step(), task: t.task, role: 'old', containerId: old }),
            ]
          : []),
        rolloutEvent('ContainerCreateRequested', {
          at: step(),
          task: t.task,
          role: 'new',
          revision: to,
          name: `${job.name}-${t.task}-r${to}`,
        }),
        rolloutEvent('RolloutContainerCreated', { at: step(), task: t.task, role: 'new', containerId: id }),
        rolloutEvent('ContainerStartRequested', { at: step(), task: t.task, role: 'new', containerId: id }),
        rolloutEvent('RolloutContainerStarted', { at: step(), task: t.task, role: 'new', containerId: id }),
        rolloutEvent('RolloutHealthCheckPassed', { at: step(), task: t.task, containerId: id }),
        rolloutEvent('RolloutHealthCheckPassed', { at: step(), task: t.task, containerId: id }),
        rolloutEvent('TaskUpdated', { at: step(), task: t.task, revision: to, containerId: id }),
      );
    }
    events.push(
      rolloutEvent('BatchCompleted', { at: step(), batch: 0 }),
      rolloutEvent('RolloutSucceeded', { at: step(), failedTasks: [] }),
    );
    // The runner records its steps in a few appends (intent, outcome), not one per rollout.
    const stream = rolloutStream(ENV, rolloutId);
    let revision = -1n;
    for (let i = 0; i < events.length; i += 6) {
      const chunk = events.slice(i, i + 6);
      const data: EventData[] = chunk.map((event) => ({
        id: uuid(),
        type: event.type,
        data: storedRolloutEvent(event),
        metadata: runner(),
      }));
      await this.store.append(stream, data, revision < 0n ? 'no_stream' : revision);
      revision += BigInt(chunk.length);
      this.written += chunk.length;
    }

    // What the containers did, on the job's stream: stops and starts, the gate's checks, the end mark.
    this.clock = at;
    const facts: DomainEvent[] = [];
    for (const t of job.tasks) {
      const old = job.containers[t.task];
      const ref = { job: job.name, task: t.task, host: t.host };
      if (old)
        facts.push({
          type: 'ContainerStopped',
          schemaVersion: 1,
          data: { ...ref, containerId: old },
          metadata: runner(),
        } as DomainEvent);
      facts.push({
        type: 'ContainerStarted',
        schemaVersion: 1,
        data: { ...ref, containerId: fresh[t.task], revision: to, rolloutId },
        metadata: runner(),
      } as DomainEvent);
      for (let check = 0; check < 2; check++) {
        facts.push({
          type: 'HealthCheckPassed',
          schemaVersion: 1,
          data: { ...ref, containerId: fresh[t.task], rolloutId },
          metadata: runner(),
        } as DomainEvent);
      }
      job.containers[t.task] = fresh[t.task];
    }
    facts.push({
      type: 'JobRolloutEnded',
      schemaVersion: 1,
      data: { job: job.name, rolloutId, status: 'succeeded', revision: to },
      metadata: runner(),
    } as DomainEvent);
    await this.appendJob(job, facts);

    // Observation: now and then a task's container exits and is started again, or a host blips.
    if (cycle % 7 === 3) {
      const t = job.tasks[0];
      const ref = { job: job.name, task: t.task, host: t.host, containerId: job.containers[t.task] };
      const observed = this.metadata('orchestrator', uuid());
      await this.appendJob(job, [
        {
          type: 'ContainerExited',
          schemaVersion: 1,
          data: { ...ref, exitCode: 137, oomKilled: true },
          metadata: observed,
        } as DomainEvent,
        {
          type: 'TaskHealthChanged',
          schemaVersion: 2,
          data: { ...ref, from: 'healthy', to: 'unhealthy', detail: 'exited' },
          metadata: observed,
        } as DomainEvent,
      ]);
    }
    if (cycle % 50 === 11) {
      const host = HOSTS[cycle % HOSTS.length];
      const observed = this.metadata('orchestrator', uuid());
      await this.appendHost(host, [
        {
          type: 'HostUnreachable',
          schemaVersion: 1,
          data: { host, endpoint: `tcp://${host}:2376`, error: 'connect ETIMEDOUT' },
          metadata: observed,
        } as DomainEvent,
        {
          type: 'HostReachable',
          schemaVersion: 1,
          data: { host, endpoint: `tcp://${host}:2376`, engineVersion: '20.10.24' },
          metadata: observed,
        } as DomainEvent,
      ]);
    }
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function timed(name: string, run: (i: number) => unknown): { query: string; 'p50 ms': string; 'p99 ms': string } {
  const times: number[] = [];
  run(0);
  for (let i = 0; i < SAMPLES; i++) {
    const started = process.hrtime.bigint();
    run(i);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { query: name, 'p50 ms': percentile(times, 50).toFixed(2), 'p99 ms': percentile(times, 99).toFixed(2) };
}

const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** The global log read straight from the store's table: rows out, data and metadata parsed. */
function rawGlobalRead(file: string): number {
  const db = new Database(file, { readonly: true });
  const started = process.hrtime.bigint();
  let count = 0;
  for (const row of db.prepare('SELECT * FROM events ORDER BY position').iterate() as Iterable<{
    data: string;
    metadata: string | null;
  }>) {
    JSON.parse(row.data);
    if (row.metadata) JSON.parse(row.metadata);
    count++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return count / seconds;
}

/** What `POST /v1/admin/rebuild-projections` does before its swap: the whole log into a scratch copy. */
async function rebuildBeside(store: EventStore): Promise<{ seconds: number }> {
  const copy = new ReadModelCopy(store, PROJECTIONS, 'cj.');
  const started = process.hrtime.bigint();
  await copy.catchUp();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  copy.dispose();
  return { seconds };
}

async function replay(store: EventStore, db: ReadDb): Promise<{ seconds: number }> {
  const runner = new ProjectionRunner(store, db, PROJECTIONS, new Metrics());
  const started = process.hrtime.bigint();
  runner.start();
  await runner.caughtUp();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await runner.stop();
  return { seconds };
}

/** Before: one transaction per event, each projection's checkpoint moved with it. */
async function replayOneByOne(store: EventStore, db: ReadDb, count: number): Promise<number> {
  for (const projection of PROJECTIONS) db.exec(projection.schema);
  const events = await store.readAll({ maxCount: count });
  const save = db.prepare(
    'INSERT INTO projection_checkpoint (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position',
  );
  const started = process.hrtime.bigint();
  for (const event of events) {
    db.transaction(() => {
      for (const projection of PROJECTIONS) {
        projection.apply(db, event);
        save.run(projection.name, event.position);
      }
    })();
  }
  return events.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const eventsAt = args.indexOf('--events');
  const target = eventsAt >= 0 ? Number(args.splice(eventsAt, 2)[1]) : 1_000_000;
  const directory = args[0] ?? mkdtempSync(join(tmpdir(), 'cj-bench-audit-'));
  const storeFile = join(directory, 'store.db');
  const store: SqliteEventStore = openSqliteEventStore(storeFile);
  try {
    const writer = new LogWriter(store);
    const writeStarted = process.hrtime.bigint();
    await writer.declareHosts();
    for (let cycle = 0; writer.written < target; cycle++) {
      await writer.rollout(cycle);
      if (cycle % 2000 === 0) process.stderr.write(`  written ${writer.written}\n`);
    }
    const writeSeconds = Number(process.hrtime.bigint() - writeStarted) / 1e9;

    const raw = rawGlobalRead(storeFile);
    const readDb = openReadDb(join(directory, 'read.db'));
    const { seconds } = await replay(store, readDb);
    const beside = await rebuildBeside(store);
    const baselineDb = openReadDb(join(directory, 'baseline.db'));
    const oneByOne = await replayOneByOne(store, baselineDb, BASELINE_EVENTS);
    baselineDb.close();

    const audit = new AuditQueries(readDb);
    const timeline = new TimelineQueries(readDb);
    const jobs = new JobQueries(readDb);
    const count = audit.count(ENV);
    const span = readDb.prepare('SELECT MIN(at) AS first, MAX(at) AS last FROM audit_log').get() as {
      first: string;
      last: string;
    };
    const first = Date.parse(span.first);
    const last = Date.parse(span.last);
    const instant = (i: number) => new Date(first + ((last - first) * ((i * 37) % 100)) / 100).toISOString();
    const middle = (
      readDb
        .prepare('SELECT position FROM audit_log ORDER BY position LIMIT 1 OFFSET ?')
        .safeIntegers(true)
        .get(Math.floor(count / 2)) as { position: bigint }
    ).position;
    const rolloutIds = (readDb.prepare('SELECT id FROM rollouts LIMIT 100').all() as { id: string }[]).map((r) => r.id);
    const queries = [
      timed('audit (newest page, summary)', () => audit.page(ENV, { limit: 100 })),
      timed('audit --all', () => audit.page(ENV, { all: true, limit: 100 })),
      timed('audit --after (mid-log)', () => audit.page(ENV, { after: middle, limit: 100 })),
      timed('audit --since/--until (1 h window)', (i) =>
        audit.page(ENV, {
          since: instant(i),
          until: new Date(Date.parse(instant(i)) + 3_600_000).toISOString(),
          limit: 100,
        }),
      ),
      timed('audit --job', (i) => audit.page(ENV, { job: `job-${i % JOBS}`, limit: 100 })),
      timed('audit --job --task --all', (i) =>
        audit.page(ENV, { job: `job-${i % JOBS}`, task: 1, all: true, limit: 100 }),
      ),
      timed('audit --host', (i) => audit.page(ENV, { host: HOSTS[i % HOSTS.length], limit: 100 })),
      timed('audit --host --since (start/stop window)', (i) =>
        audit.page(ENV, {
          host: HOSTS[i % HOSTS.length],
          types: ['ContainerStarted', 'ContainerStopped', 'ContainerExited'],
          since: instant(i),
          limit: 100,
        }),
      ),
      timed('audit --rollout', (i) =>
        audit.page(ENV, { rollout: rolloutIds[i % rolloutIds.length], all: true, limit: 100 }),
      ),
      timed('audit --actor', (i) => audit.page(ENV, { actor: ACTORS[i % ACTORS.length], limit: 100 })),
      timed('audit --type', () => audit.page(ENV, { types: ['ContainerExited'], limit: 100 })),
      timed('timeline --at', (i) => timeline.at(ENV, instant(i))),
      timed('timeline --at --host --spec', (i) => timeline.at(ENV, instant(i), HOSTS[i % HOSTS.length], true)),
      timed('why JOB --task', (i) => audit.why(ENV, `job-${i % JOBS}`, i % 2)),
      timed('history JOB', (i) => jobs.history(ENV, `job-${i % JOBS}`)),
    ];
    readDb.close();

    console.log(`audit benchmark in ${directory}: ${writer.written} events, ${JOBS} jobs, ${HOSTS.length} hosts`);
    console.table([
      { what: 'written through the append API', 'events/s': Math.round(writer.written / writeSeconds) },
      { what: 'raw global read (better-sqlite3, rows parsed)', 'events/s': Math.round(raw) },
      {
        what: 'replay into the read models (batched)',
        'events/s': Math.round(writer.written / seconds),
        'of raw': `${((writer.written / seconds / raw) * 100).toFixed(0)}%`,
      },
      {
        what: 'rebuild beside the live ones (scratch file, pages of 5,000)',
        'events/s': Math.round(writer.written / beside.seconds),
        'of raw': `${((writer.written / beside.seconds / raw) * 100).toFixed(0)}%`,
      },
      { what: `replay one transaction per event (first ${BASELINE_EVENTS})`, 'events/s': Math.round(oneByOne) },
    ]);
    console.table(queries);
    console.table({
      'store (with WAL)': mb(size(storeFile) + size(`${storeFile}-wal`)),
      'read models': mb(size(join(directory, 'read.db')) + size(join(directory, 'read.db-wal'))),
      'audit rows': count,
      'peak RSS': mb(process.resourceUsage().maxRSS * 1024),
    });
  } finally {
    await store.close();
    if (args[0] === undefined) rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
