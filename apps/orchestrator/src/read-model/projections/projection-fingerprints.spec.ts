/**
 * A read model is replayed from the start only when its projection's version (or its DDL) changes;
 * a projection that comes to store rows of another shape at the same version leaves the rows built
 * before beside new ones of the other shape. This test folds a fixed log into every projection and
 * compares the shape of what they store (columns, and the structure of the JSON they keep) with the
 * shape recorded for their version in `projection-fingerprints.json`.
 *
 * After changing a projection: bump its version, then record its new shape with
 * `UPDATE_PROJECTION_FINGERPRINTS=1 npx jest apps/orchestrator/src/read-model/projections/projection-fingerprints`
 * (it refuses to record a changed shape at an unchanged version).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CURRENT_SCHEMA_VERSION,
  hostStream,
  jobStream,
  rolloutStream,
  type DomainEvent,
  type EventMetadata,
  type RolloutEvent,
  type RolloutState,
} from '@cj/domain';
import { healthyUnless, startCommand, World } from '@cj/domain/testing';
import type { RecordedEvent } from '@cj/event-store';
import { PROJECTIONS } from '../../core.module';
import { toEventData, toRolloutEventData } from '../../store/event-codec';
import type { Projection } from '../projection';
import { openReadDb, type ReadDb } from '../read-db';
import { rolloutsProjection } from './rollouts.projection';
import { tasksProjection } from './tasks.projection';
import type { JobSpec } from '@cj/api';

const FILE = join(__dirname, 'projection-fingerprints.json');

interface Fingerprint {
  readonly version: number;
  readonly sha256: string;
  /** One line per column, and per path and type of a value the fixed log stores there. */
  readonly shape: readonly string[];
}

type Fingerprints = Record<string, Fingerprint>;

const ENV = 'prod';
const FIRST_ROLLOUT = '0f0e8a52-0000-4000-8000-000000000001';
const SECOND_ROLLOUT = '0f0e8a52-0000-4000-8000-000000000002';

/** A log that exercises every projection: hosts, a job, its containers, a rollout that succeeds and one rolled back. */
function fixedLog(): RecordedEvent[] {
  const records: RecordedEvent[] = [];
  const revisions = new Map<string, number>();
  const record = (streamId: string, type: string, data: unknown, metadata: Record<string, unknown>) => {
    const revision = revisions.get(streamId) ?? 0;
    revisions.set(streamId, revision + 1);
    records.push({
      id: `00000000-0000-4000-8000-${String(records.length).padStart(12, '0')}`,
      type,
      data,
      metadata,
      streamId,
      revision: BigInt(revision),
      position: BigInt(records.length + 1),
      created: new Date(Date.UTC(2026, 0, 1, 0, 0, records.length)),
    } as RecordedEvent);
  };
  const metadata = (): EventMetadata => ({
    actor: 'ops@laptop',
    reason: 'release',
    correlationId: 'c',
    causationId: 'c',
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, records.length)).toISOString(),
    cjVersion: '0.1.0',
  });
  const domain = <T extends DomainEvent['type']>(
    streamId: string,
    type: T,
    data: Extract<DomainEvent, { type: T }>['data'],
  ) => {
    const event = { type, schemaVersion: CURRENT_SCHEMA_VERSION[type], data, metadata: metadata() } as DomainEvent;
    const encoded = toEventData(event, 'c', streamId, 0);
    record(streamId, encoded.type, encoded.data, encoded.metadata as Record<string, unknown>);
  };
  const host = (name: string) => hostStream(ENV, name);
  const job = jobStream(ENV, 'web');
  const rollout = (id: string, events: readonly RolloutEvent[]) => {
    for (const event of events) {
      const encoded = toRolloutEventData(event, rolloutStream(ENV, id), 0n, metadata());
      record(rolloutStream(ENV, id), encoded.type, encoded.data, encoded.metadata as Record<string, unknown>);
    }
  };
  const ref = (task: number, containerId: string) => ({ job: 'web', task, host: `h${task + 1}`, containerId });

  const tls = { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' };
  domain(host('h1'), 'HostDeclared', { host: 'h1', endpoint: 'tcp://10.0.0.1:2376', address: '10.0.0.1', tls });
  domain(host('h2'), 'HostDeclared', { host: 'h2', endpoint: 'unix:///run/h2.sock', address: '127.0.0.1' });
  domain(host('h1'), 'HostReachable', { host: 'h1', endpoint: 'tcp://10.0.0.1:2376', engineVersion: '27.1.0' });
  domain(host('h2'), 'HostUnreachable', { host: 'h2', endpoint: 'unix:///run/h2.sock', error: 'connect ENOENT' });
  domain(host('h2'), 'HostReachable', { host: 'h2', endpoint: 'unix:///run/h2.sock' });

  // A spec of its own, so that a change to a test helper's defaults does not move the fingerprints.
  const v1: JobSpec = {
    name: 'web',
    image: { registry: 'localhost:5000', repository: 'demo', tag: 'v1', digest: `sha256:${'1'.repeat(64)}` },
    tasks: [
      { index: 0, host: 'h1', port: 8080 },
      { index: 1, host: 'h2', port: 8080 },
    ],
    envs: [{ key: 'http_port', value: '8080' }],
    mounts: [{ source: 'data', target: '/data', readOnly: false }],
    health: { type: 'http', path: '/health', expectStatus: 200, interval: 250, timeout: 1000, retries: 3 },
    update: startCommand().data.policy,
    resources: { memory: 268435456, cpus: 0.5 },
    restart: 'unless-stopped',
  };
  const v2: JobSpec = { ...v1, image: { ...v1.image, tag: 'v2' }, command: ['serve'] };
  const v3: JobSpec = { ...v2, image: { ...v1.image, tag: 'v3' } };
  domain(job, 'JobRegistered', { job: 'web', revision: 1, spec: v1 });
  domain(job, 'ContainerStarted', { ...ref(0, 'a0'), revision: 1 });
  domain(job, 'ContainerStarted', { ...ref(1, 'a1'), revision: 1 });
  domain(job, 'TaskHealthChanged', { ...ref(0, 'a0'), from: 'starting', to: 'healthy', detail: 'HTTP 200' });
  domain(host('h1'), 'UnexpectedContainerFound', {
    host: 'h1',
    containerId: 'x1',
    job: 'web',
    task: 0,
    revision: 1,
    image: 'demo:v0',
    name: 'cj-prod-web-0-r0',
    startedAt: '2026-01-01T00:00:05.000Z',
  });
  domain(host('h2'), 'UnexpectedContainerFound', {
    host: 'h2',
    containerId: 'x2',
    job: 'web',
    task: 1,
    revision: 1,
    image: 'demo:v1',
    name: 'cj-prod-web-1-r1-old',
  });
  domain(host('h2'), 'HostSharedWithCluster', {
    host: 'h2',
    otherStoreId: 'store-2',
    containers: [{ containerId: 'y1', name: 'cj-prod-api-0-r1', env: 'prod', job: 'api', task: 0 }],
  });

  const changes = [{ path: 'image.tag', before: 'v1', after: 'v2' }];
  domain(job, 'JobRevisionCreated', { job: 'web', revision: 2, spec: v2, changes });
  domain(job, 'JobRolloutStarted', { job: 'web', rolloutId: FIRST_ROLLOUT, fromRevision: 1, toRevision: 2 });
  rollout(FIRST_ROLLOUT, new World(startCommand({ id: FIRST_ROLLOUT })).run().events);
  domain(job, 'ContainerStopped', ref(0, 'a0'));
  domain(job, 'ContainerStarted', { ...ref(0, 'b0'), revision: 2, rolloutId: FIRST_ROLLOUT });
  domain(job, 'HealthCheckPassed', { ...ref(0, 'b0'), rolloutId: FIRST_ROLLOUT, detail: 'HTTP 200' });
  domain(job, 'ContainerRemoved', ref(0, 'a0'));
  domain(job, 'ContainerStopped', ref(1, 'a1'));
  domain(job, 'ContainerStarted', { ...ref(1, 'b1'), revision: 2, rolloutId: FIRST_ROLLOUT });
  domain(job, 'JobRolloutEnded', { job: 'web', rolloutId: FIRST_ROLLOUT, status: 'succeeded', revision: 2 });

  domain(job, 'ContainerExited', {
    ...ref(1, 'b1'),
    exitCode: 137,
    oomKilled: true,
    exitedAt: '2026-01-01T00:01:00.000Z',
    logTail: ['out of memory'],
  });
  domain(job, 'ContainerRestarted', { ...ref(1, 'b1'), count: 1, startedAt: '2026-01-01T00:01:01.000Z' });
  domain(job, 'ContainerExited', { ...ref(1, 'b1'), exitCode: 1, oomKilled: false });
  domain(job, 'TaskRestarted', {
    ...ref(1, 'c1'),
    revision: 2,
    cause: 'exited',
    reason: 'container b1 exited with code 1',
    attempt: 1,
  });
  domain(job, 'TaskRestartFailed', {
    job: 'web',
    task: 1,
    host: 'h2',
    revision: 2,
    cause: 'exited',
    reason: 'container c1 exited with code 1',
    attempt: 2,
    error: 'port 8080 in use',
  });
  domain(host('h1'), 'UnexpectedContainerGone', {
    host: 'h1',
    containerId: 'x1',
    job: 'web',
    task: 0,
    revision: 1,
    now: 'removed',
  });

  domain(job, 'JobRevisionCreated', { job: 'web', revision: 3, spec: v3, changes, inPlace: true });
  domain(job, 'JobRolloutStarted', { job: 'web', rolloutId: SECOND_ROLLOUT, fromRevision: 2, toRevision: 3 });
  const rolledBack = new World(startCommand({ id: SECOND_ROLLOUT, fromRevision: 2, toRevision: 3 }), healthyUnless(3));
  rollout(SECOND_ROLLOUT, rolledBack.run().events);
  domain(job, 'HealthCheckFailed', { ...ref(0, 'd0'), rolloutId: SECOND_ROLLOUT, detail: 'HTTP 503' });
  domain(job, 'JobRolloutEnded', {
    job: 'web',
    rolloutId: SECOND_ROLLOUT,
    status: 'rolled-back',
    taskRevisions: { 0: 2, 1: null },
  });
  domain(job, 'JobStopped', { job: 'web' });
  domain(host('h2'), 'HostNoLongerShared', { host: 'h2', otherStoreId: 'store-3' });
  return records;
}

/** Folds the fixed log into fresh tables, every projection in the app's order (some read another's tables). */
function project(projections: readonly Projection[]): ReadDb {
  const db = openReadDb(':memory:');
  for (const projection of projections) db.exec(projection.schema);
  for (const record of fixedLog()) for (const projection of projections) projection.apply(db, record);
  return db;
}

/** Where `value` sits and what it is, down every JSON object and array: `path:type` lines. */
function paths(path: string, value: unknown, into: Set<string>): void {
  if (typeof value === 'string' && /^[[{]/.test(value)) {
    try {
      return paths(`${path} json`, JSON.parse(value), into);
    } catch {
      // Text that only starts like JSON.
    }
  }
  if (value === null || value === undefined) into.add(`${path}: null`);
  else if (Array.isArray(value)) {
    into.add(`${path}: array`);
    for (const item of value) paths(`${path}[]`, item, into);
  } else if (typeof value === 'object') {
    into.add(`${path}: object`);
    // Keys that are task indices are data, not shape.
    for (const [key, item] of Object.entries(value)) paths(`${path}.${/^\d+$/.test(key) ? '*' : key}`, item, into);
  } else into.add(`${path}: ${typeof value}`);
}

/** The shape of what `projection` stores after the fixed log: its tables' columns, then what each column holds. */
function shapeOf(db: ReadDb, projection: Projection): string[] {
  const lines: string[] = [];
  for (const table of projection.tables) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as {
      name: string;
      type: string;
      notnull: number;
      pk: number;
    }[];
    for (const c of columns)
      lines.push(`${table}.${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}${c.pk ? ` PK${c.pk}` : ''}`);
    const rows = db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
    if (rows.length === 0) lines.push(`${table}: no rows`);
    const values = new Set<string>();
    for (const row of rows)
      for (const [column, value] of Object.entries(row)) paths(`${table}.${column}`, value, values);
    lines.push(...[...values].sort());
  }
  return lines;
}

const sha256 = (shape: readonly string[]) => createHash('sha256').update(shape.join('\n')).digest('hex');

/** Why the recorded fingerprint does not stand for the projection, or undefined when it does. */
function mismatch(
  projection: Projection,
  shape: readonly string[],
  recorded: Fingerprint | undefined,
): string | undefined {
  if (recorded === undefined) return `projection ${projection.name} has no recorded fingerprint: record it`;
  if (recorded.version === projection.version) {
    if (recorded.sha256 === sha256(shape)) return undefined;
    const added = shape.filter((line) => !recorded.shape.includes(line));
    const removed = recorded.shape.filter((line) => !shape.includes(line));
    return [
      `projection ${projection.name}'s shape changed: bump its version (now ${projection.version}) and update the fingerprint`,
      ...added.map((line) => `  + ${line}`),
      ...removed.map((line) => `  - ${line}`),
    ].join('\n');
  }
  return `projection ${projection.name} is at version ${projection.version} but its fingerprint was recorded at version ${recorded.version}: update the fingerprint`;
}

const recorded = (): Fingerprints => JSON.parse(readFileSync(FILE, 'utf8')) as Fingerprints;

describe('projection fingerprints: a projected shape changes only with its version', () => {
  const db = project(PROJECTIONS);

  if (process.env['UPDATE_PROJECTION_FINGERPRINTS']) {
    it('records the fingerprints of the projections whose version changed', () => {
      const before = recorded();
      const after: Fingerprints = {};
      for (const projection of PROJECTIONS) {
        const shape = shapeOf(db, projection);
        const problem = mismatch(projection, shape, before[projection.name]);
        // A changed shape at an unchanged version is never recorded: the version must move first.
        if (problem?.includes('bump its version')) throw new Error(problem);
        after[projection.name] = { version: projection.version, sha256: sha256(shape), shape };
      }
      writeFileSync(FILE, `${JSON.stringify(after, null, 2)}\n`);
    });
    return;
  }

  it.each(PROJECTIONS.map((projection) => [projection.name, projection] as const))(
    'given the fixed log, when %s folds it, then it stores the shape recorded for its version',
    (_name, projection) => {
      const problem = mismatch(projection, shapeOf(db, projection), recorded()[projection.name]);
      if (problem) throw new Error(problem);
    },
  );

  it('given the fixed log, when the projections fold it, then every table they own has rows to look at', () => {
    const empty = PROJECTIONS.flatMap((projection) => shapeOf(db, projection)).filter((line) =>
      line.endsWith(': no rows'),
    );
    expect(empty).toEqual([]);
  });

  it('given a folded state that gains a field at the same version, when checked, then it fails and asks for a bump', () => {
    const changed: Projection = {
      ...rolloutsProjection,
      apply(into, record) {
        rolloutsProjection.apply(into, record);
        const rows = into.prepare('SELECT env, id, state FROM rollouts').all() as {
          env: string;
          id: string;
          state: string;
        }[];
        for (const row of rows) {
          const state = { ...(JSON.parse(row.state) as RolloutState), newField: 1 };
          into
            .prepare('UPDATE rollouts SET state = ? WHERE env = ? AND id = ?')
            .run(JSON.stringify(state), row.env, row.id);
        }
      },
    };
    const projections = PROJECTIONS.map((p) => (p === rolloutsProjection ? changed : p));
    const problem = mismatch(changed, shapeOf(project(projections), changed), recorded()['rollouts']);
    expect(problem).toContain(
      `projection rollouts's shape changed: bump its version (now ${rolloutsProjection.version}) and update the fingerprint`,
    );
    expect(problem).toContain('+ rollouts.state json.newField: number');
  });

  it('given a folded state field that changes its type at the same version, when checked, then it fails', () => {
    const changed: Projection = {
      ...rolloutsProjection,
      apply(into, record) {
        rolloutsProjection.apply(into, record);
        into.prepare("UPDATE rollouts SET state = json_set(state, '$.toRevision', 'r2')").run();
      },
    };
    const projections = PROJECTIONS.map((p) => (p === rolloutsProjection ? changed : p));
    const problem = mismatch(changed, shapeOf(project(projections), changed), recorded()['rollouts']);
    expect(problem).toContain('+ rollouts.state json.toRevision: string');
    expect(problem).toContain('- rollouts.state json.toRevision: number');
  });

  it('given a table that gains a column at the same version, when checked, then it fails', () => {
    const changed: Projection = {
      ...tasksProjection,
      schema: tasksProjection.schema.replace(
        'CREATE TABLE IF NOT EXISTS tasks (',
        'CREATE TABLE IF NOT EXISTS tasks (\n      note TEXT,',
      ),
    };
    const projections = PROJECTIONS.map((p) => (p === tasksProjection ? changed : p));
    const problem = mismatch(changed, shapeOf(project(projections), changed), recorded()['tasks']);
    expect(problem).toContain("projection tasks's shape changed: bump its version");
    expect(problem).toContain('+ tasks.note TEXT');
  });

  it('given a bumped version, when checked against the fingerprint of the version before, then it asks for the fingerprint', () => {
    const bumped: Projection = { ...rolloutsProjection, version: rolloutsProjection.version + 1 };
    expect(mismatch(bumped, shapeOf(db, rolloutsProjection), recorded()['rollouts'])).toContain(
      `is at version ${bumped.version} but its fingerprint was recorded at version ${rolloutsProjection.version}`,
    );
  });
});
