/**
 * An environment carried from one cluster to another by its log, end to end: orchestrator A on its
 * own store runs prod on two fake hosts (web, a task per host, rolled to v2; api on one host);
 * `cj export` writes its portable log; orchestrator B, another process on its own fresh store, gets
 * it by `cj import` onto two other hosts. Then: B's status is A's but for hosts and containers, its
 * tasks run on B's engines, A's containers are untouched, B's history and audit show what A did and
 * name the source, its hash chains hold, an import run again records nothing, an import whose CLI
 * or orchestrator is SIGKILLed halfway completes when run again with exactly the file's events, an
 * altered file is refused with nothing recorded, a file cut mid-rollout has that rollout aborted
 * and never driven, and the same file goes into an orchestrator on the EventStoreDB adapter.
 */
import Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry, HistoryResponse, RolloutView, StatusResponse, TaskStatus } from '@cj/api';
import { EventStoreDbStore, openSqliteEventStore, type RecordedEvent } from '@cj/event-store';
import { startEsdbTestServer } from '@cj/event-store/esdb-test-server';
import { ensureDemoImages, startFakeHosts, type FakeHost, type FakeHosts } from '@cj/docker-adapter/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the real `cj` binary is what an operator runs; its test runner is the CLI's test-only helper
import { CJ_BIN, runCj } from '../../../cli/src/testing/cli';
import { OrchestratorProcess, waitUntil } from '../testing';

jest.setTimeout(600_000);

const SOURCE = 'prod';
const TARGET = 'copy';
const WEB_PORT = 18740;
const API_PORT = 18741;

/** The containers of cj on a host's engine, by id, with their state. */
async function containersOn(host: FakeHost, env: string): Promise<Record<string, string>> {
  const list = await new Docker({ socketPath: host.socketPath }).listContainers({
    all: true,
    filters: { label: [`cj.env=${env}`] },
  });
  return Object.fromEntries(list.map((container) => [container.Id, container.State]));
}

/** A task as both clusters must agree on it: everything but where it runs and which container it is. */
const placeless = (task: TaskStatus) => ({
  job: task.job,
  task: task.task,
  port: task.port,
  desired: task.desired,
  observed: task.observed && {
    image: task.observed.image,
    digest: task.observed.digest,
    revision: task.observed.revision,
    state: task.observed.state,
    upToDate: task.observed.upToDate,
  },
});

describe('cj export and cj import: an environment into another store, on other hosts', () => {
  let fake: FakeHosts;
  let a: OrchestratorProcess;
  let b: OrchestratorProcess;
  let dir: string;
  let file: string;
  let mapHosts: string[];
  let beforeRelease2: string;
  let midRelease2: string;

  const cjA = (...args: string[]) => runCj(args, { url: a.url, env: SOURCE, timeoutMs: 120_000 });
  const cjB = (...args: string[]) => runCj(args, { url: b.url, env: TARGET, timeoutMs: 300_000 });
  const ok = async (run: Promise<{ code: number | null; stdout: string; stderr: string }>) => {
    const result = await run;
    expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ code: 0, stderr: '' });
    return result.stdout;
  };

  /** B's events of the target env, read from its store file (a second reader is fine). */
  async function targetEvents(): Promise<RecordedEvent[]> {
    const store = openSqliteEventStore(b.store);
    try {
      return await store.readAll({ filter: { streamPrefixes: [`cj.${TARGET}.`] } });
    } finally {
      await store.close();
    }
  }
  /** What imports recorded: the file's events (each names its source) and those closing what ran on A's hosts. */
  const imported = async () =>
    (await targetEvents()).filter((event) => {
      const metadata = event.metadata as { source?: unknown; reason?: string };
      return metadata.source !== undefined || metadata.reason?.startsWith(`import from ${SOURCE}`);
    });

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(4);
    dir = mkdtempSync(join(tmpdir(), 'cj-export-'));
    file = join(dir, 'prod.ndjson');
    [a, b] = await Promise.all([
      OrchestratorProcess.start({ observeInterval: '300ms' }),
      OrchestratorProcess.start({ observeInterval: '300ms' }),
    ]);
    const [h1, h2, h3, h4] = fake.hosts;
    mapHosts = [
      '--map-host',
      `${h1.name}=${h3.name}=${h3.endpoint}=${h3.address}`,
      '--map-host',
      `${h2.name}=${h4.name}=${h4.endpoint}=${h4.address}`,
    ];
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await fake?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('A runs prod on its two hosts: web rolled to v2, api up', async () => {
    const [h1, h2] = fake.hosts;
    const jobs = join(dir, 'jobs.yaml');
    writeFileSync(
      jobs,
      [
        `environment: ${SOURCE}`,
        'registry: 127.77.0.1:5000',
        'hosts:',
        ...[h1, h2].map((h) => `  ${h.spec.name}: { endpoint: "${h.spec.endpoint}", address: ${h.spec.address} }`),
        'defaults:',
        '  restart: "no"',
        'jobs:',
        '  - name: web',
        '    image: cj-demo:v1',
        `    hosts: [${h1.name}, ${h2.name}]`,
        `    port: ${WEB_PORT}`,
        '    health: { type: http, path: /health, interval: 250ms, timeout: 1s, retries: 1 }',
        '    update: { max_parallel: 2, min_healthy_time: 500ms, healthy_deadline: 6s }',
        '  - name: api',
        '    image: cj-demo:v1',
        `    run_on_host: ${h1.name}`,
        `    port: ${API_PORT}`,
        '',
      ].join('\n'),
    );
    await ok(cjA('apply', jobs, '--yes', '--reason', 'first release'));
    await ok(cjA('up', 'web'));
    await ok(cjA('up', 'api'));
    // Whole seconds apart, so the instant separates the first release from the second whatever the clock's skew.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    beforeRelease2 = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const release2 = cjA('rolling-update', 'web', '--tag', 'v2', '--reason', 'release 2');
    // An instant while release 2 runs: a file cut there leaves its rollout open.
    await waitUntil(
      () => a.request<RolloutView[]>('GET', `/v1/envs/${SOURCE}/rollouts?job=web`),
      (answer) => answer.body.some((rollout) => rollout.phase === 'running'),
      30_000,
    );
    midRelease2 = new Date().toISOString();
    await ok(release2);
    const status = await waitUntil(
      async () => JSON.parse(await ok(cjA('status', '--json'))) as StatusResponse,
      (answer) =>
        answer.tasks.length === 3 &&
        answer.tasks.every((task) => task.observed?.state === 'running' && task.observed.upToDate),
      60_000,
    );
    expect(status.tasks.map((task) => [task.job, task.host, task.desired.revision])).toEqual([
      ['api', h1.name, 1],
      ['web', h1.name, 2],
      ['web', h2.name, 2],
    ]);
  });

  it('cj export writes the header, every event of prod in log order and a checksummed trailer', async () => {
    const exported = await ok(cjA('export'));
    writeFileSync(file, exported);
    const lines = exported
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      kind: 'header',
      format: 'cj-portable-log',
      version: 1,
      env: SOURCE,
      store: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const events = lines.slice(1, -1);
    expect(lines[lines.length - 1]).toMatchObject({ kind: 'trailer', events: events.length });
    expect(events.every((event) => String(event['stream']).startsWith(`cj.${SOURCE}.`))).toBe(true);
    const positions = events.map((event) => BigInt(event['position'] as string));
    expect(positions).toEqual([...positions].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    expect(
      events.every((event) => typeof (event['metadata'] as { chain?: { hash?: string } }).chain?.hash === 'string'),
    ).toBe(true);
    expect(events.map((event) => event['type'])).toEqual(
      expect.arrayContaining(['HostDeclared', 'JobRegistered', 'ContainerStarted', 'RolloutSucceeded']),
    );
  });

  it('cj export --as-of stops at that instant: the first release, without the second', async () => {
    const lines = (await ok(cjA('export', '--as-of', beforeRelease2)))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ kind: 'header', asOf: beforeRelease2 });
    const types = lines.slice(1, -1).map((event) => event['type']);
    expect(types).toEqual(expect.arrayContaining(['JobRegistered', 'ContainerStarted']));
    expect(types).not.toContain('JobRevisionCreated');
    expect(
      lines
        .slice(1, -1)
        .every((event) => String((event['metadata'] as { occurredAt: string }).occurredAt) <= beforeRelease2),
    ).toBe(true);
    expect(lines[lines.length - 1]).toMatchObject({ kind: 'trailer', events: lines.length - 2 });
  });

  it('a file cut while a rollout ran: the import aborts the rollout, and the target never drives it', async () => {
    const cutFile = join(dir, 'mid-rollout.ndjson');
    writeFileSync(cutFile, await ok(cjA('export', '--as-of', midRelease2)));
    const types = readFileSync(cutFile, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type?: string }).type);
    expect(types).toContain('RolloutStarted');
    expect(types).not.toContain('RolloutSucceeded');
    // Imported later than A's lease on it lasts (30 s), as an import usually is: nothing holds it off but being history.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(midRelease2) + 31_000 - Date.now())));
    // Into env mid of B, on hosts whose engines are not there: nothing can run, nothing of A is reached.
    const nowhere = fake.hosts
      .slice(0, 2)
      .flatMap((host, i) => ['--map-host', `${host.name}=gone-${i}=unix://${join(dir, `gone-${i}.sock`)}`]);
    await ok(
      runCj(['import', cutFile, ...nowhere, '--chunk-size', '3'], { url: b.url, env: 'mid', timeoutMs: 300_000 }),
    );
    const rollouts = await waitUntil(
      () => b.request<RolloutView[]>('GET', '/v1/envs/mid/rollouts?job=web'),
      (answer) => answer.body.length === 1 && answer.body[0].phase !== 'running',
    );
    expect(rollouts.body.map((rollout) => rollout.phase)).toEqual(['aborted']);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const store = openSqliteEventStore(b.store);
    try {
      const events = await store.readAll({ filter: { streamPrefixes: ['cj.mid.'] } });
      const rolloutEvents = events.filter((event) => event.streamId.includes('.rollout.'));
      const notFromFile = rolloutEvents.filter((event) => !(event.metadata as { source?: unknown }).source);
      expect(notFromFile.map((event) => [event.type, (event.metadata as { actor: string }).actor])).toEqual([
        ['RolloutAborted', expect.not.stringMatching(/^orchestrator$/)],
      ]);
      const ended = events.filter(
        (event) => event.type === 'JobRolloutEnded' && !(event.metadata as { source?: unknown }).source,
      );
      expect(ended.map((event) => event.data)).toEqual([expect.objectContaining({ job: 'web', status: 'aborted' })]);
    } finally {
      await store.close();
    }
  });

  it('an altered file is refused naming its line, and nothing is recorded', async () => {
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((line) => line.includes('"JobRegistered"'));
    lines[at] = lines[at].replace('cj-demo', 'cj-evil');
    const altered = join(dir, 'altered.ndjson');
    writeFileSync(altered, lines.join('\n'));
    const result = await cjB('import', altered, ...mapHosts);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `altered.ndjson:${lines.length - 1}: the checksum does not match the lines before it`,
    );
    const cut = join(dir, 'cut.ndjson');
    writeFileSync(cut, readFileSync(file, 'utf8').split('\n').slice(0, 6).join('\n'));
    expect((await cjB('import', cut, ...mapHosts)).stderr).toContain('cut.ndjson:7: the trailer is missing');
    const [h1] = fake.hosts;
    expect((await cjB('import', file, '--map-host', `${h1.name}=${fake.hosts[2].name}`)).stderr).toContain(
      `hosts ${fake.hosts[1].name} of the file are not mapped`,
    );
    // An env that holds events of its own is not an import's to write into.
    const intoSource = await cjA('import', file, ...mapHosts);
    expect(intoSource.code).not.toBe(0);
    expect(intoSource.stderr).toContain(
      `environment ${SOURCE} already holds events that are not from an export of ${SOURCE}`,
    );
    expect(await targetEvents()).toEqual([]);
  });

  it('an import SIGKILLed halfway completes when run again, with exactly the events of the file', async () => {
    const child = spawn(process.execPath, [CJ_BIN, 'import', file, ...mapHosts, '--chunk-size', '3'], {
      env: { ...process.env, CJ_URL: b.url, CJ_ENV: TARGET },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let progress = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        progress += chunk.toString();
        if ((progress.match(/^imported /gm) ?? []).length >= 4) resolve();
      });
      child.once('exit', () => reject(new Error(`the import ended before it was killed: ${progress}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const total = readFileSync(file, 'utf8').trimEnd().split('\n').length - 2;
    const partial = (await imported()).length;
    expect(partial).toBeGreaterThanOrEqual(12);
    expect(partial).toBeLessThan(total);

    const answer = JSON.parse(await ok(cjB('import', file, ...mapHosts, '--json'))) as {
      events: number;
      closing: number;
      recorded: number;
      present: number;
    };
    expect(answer.present).toBe(partial);
    expect(answer.events).toBe(total);
    expect(answer.recorded + answer.present).toBe(answer.events + answer.closing);
    const events = await imported();
    // The file's events, each once, then what the import recorded to close what ran on A's hosts.
    const fromFile = events.filter((event) => (event.metadata as { source?: unknown }).source !== undefined);
    expect(fromFile).toHaveLength(total);
    expect(events.length - fromFile.length).toBe(answer.closing);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    expect(events).toHaveLength(answer.events + answer.closing);
    // The three containers A runs, and those its rollout replaced, are not on B's hosts.
    expect(
      events.filter((event) => event.type === 'ContainerRemoved' && !(event.metadata as { source?: unknown }).source)
        .length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('an import whose orchestrator is SIGKILLed halfway completes once it is back, with exactly the events of the file', async () => {
    // C: a third orchestrator on its own store, its hosts engines that are not there (nothing is started anywhere).
    let c = await OrchestratorProcess.start({ observeInterval: '300ms' });
    const { dir: cDir, store, readDb } = c;
    const nowhere = fake.hosts
      .slice(0, 2)
      .flatMap((host, i) => ['--map-host', `${host.name}=gone-${i}=unix://${join(cDir, `gone-${i}.sock`)}`]);
    try {
      const child = spawn(process.execPath, [CJ_BIN, 'import', file, ...nowhere, '--chunk-size', '3'], {
        env: { ...process.env, CJ_URL: c.url, CJ_ENV: TARGET },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      let progress = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          progress += chunk.toString();
          if ((progress.match(/^imported /gm) ?? []).length >= 4) resolve();
        });
        void exited.then(() => reject(new Error(`the import ended before its orchestrator was killed: ${progress}`)));
      });
      await c.signal('SIGKILL');
      await exited;
      c = await OrchestratorProcess.start({ store, readDb, observeInterval: '300ms' });
      const answer = JSON.parse(
        await ok(runCj(['import', file, ...nowhere, '--json'], { url: c.url, env: TARGET, timeoutMs: 300_000 })),
      ) as { events: number; closing: number; recorded: number; present: number };
      expect(answer.present).toBeGreaterThanOrEqual(12);
      expect(answer.recorded + answer.present).toBe(answer.events + answer.closing);
      await c.stop();
      const copy = openSqliteEventStore(store);
      try {
        const events = (await copy.readAll({ filter: { streamPrefixes: [`cj.${TARGET}.`] } })).filter(
          (event) => (event.metadata as { source?: unknown }).source !== undefined,
        );
        expect(events).toHaveLength(answer.events);
        expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
      } finally {
        await copy.close();
      }
    } finally {
      await c.stop();
      rmSync(cDir, { recursive: true, force: true });
    }
  });

  it('into an orchestrator on EventStoreDB (its adapter, on the wire-compatible test server): the same events once, its chains hold, and it exports them again', async () => {
    const server = await startEsdbTestServer();
    const e = await OrchestratorProcess.start({ store: server.url, observeInterval: '300ms' });
    const nowhere = fake.hosts
      .slice(0, 2)
      .flatMap((host, i) => ['--map-host', `${host.name}=gone-${i}=unix://${join(dir, `esdb-gone-${i}.sock`)}`]);
    const cjE = (...args: string[]) => runCj(args, { url: e.url, env: TARGET, timeoutMs: 300_000 });
    try {
      const first = JSON.parse(await ok(cjE('import', file, ...nowhere, '--chunk-size', '7', '--json'))) as {
        events: number;
        closing: number;
        recorded: number;
        present: number;
      };
      expect(first).toMatchObject({ recorded: first.events + first.closing, present: 0 });
      const again = JSON.parse(await ok(cjE('import', file, ...nowhere, '--json'))) as {
        recorded: number;
        present: number;
      };
      expect(again).toMatchObject({ recorded: 0, present: first.events + first.closing });
      await ok(cjE('audit', 'verify'));
      const store = new EventStoreDbStore(server.url);
      try {
        const events = (await store.readAll({ filter: { streamPrefixes: [`cj.${TARGET}.`] } })).filter(
          (event) => (event.metadata as { source?: unknown }).source !== undefined,
        );
        expect(events).toHaveLength(first.events);
      } finally {
        await store.close();
      }
      const exported = (await ok(cjE('export')))
        .trimEnd()
        .split('\n')
        .map(
          (line) => JSON.parse(line) as { kind: string; events?: number; metadata?: { source?: { revision: string } } },
        );
      expect(exported[0]).toMatchObject({ kind: 'header', env: TARGET });
      expect(exported.filter((line) => line.metadata?.source).length).toBe(first.events);
      expect(exported[exported.length - 1]).toMatchObject({ kind: 'trailer', events: exported.length - 2 });
    } finally {
      await e.stop();
      await server.stop();
    }
  });

  it("B runs what A runs, on B's hosts, and A's containers are untouched", async () => {
    const [h1, h2, h3, h4] = fake.hosts;
    const before = { [h1.name]: await containersOn(h1, SOURCE), [h2.name]: await containersOn(h2, SOURCE) };
    const bStatus = await waitUntil(
      async () => JSON.parse(await ok(cjB('status', '--json'))) as StatusResponse,
      (answer) =>
        answer.tasks.length === 3 &&
        answer.tasks.every((task) => task.observed?.state === 'running' && task.observed.upToDate),
      90_000,
    );
    const aStatus = JSON.parse(await ok(cjA('status', '--json'))) as StatusResponse;
    expect(bStatus.tasks.map(placeless)).toEqual(aStatus.tasks.map(placeless));
    expect(bStatus.tasks.map((task) => task.host)).toEqual([h3.name, h3.name, h4.name]);
    const onB = { ...(await containersOn(h3, TARGET)), ...(await containersOn(h4, TARGET)) };
    for (const task of bStatus.tasks) expect(onB[task.observed?.containerId as string]).toBe('running');
    expect(Object.keys(onB)).toHaveLength(3);
    // A's engines hold exactly the containers they held, running; none of B's containers is there.
    for (const host of [h1, h2]) {
      const now = await containersOn(host, SOURCE);
      expect(now).toEqual(before[host.name]);
      expect(await containersOn(host, TARGET)).toEqual({});
    }
    for (const task of aStatus.tasks) expect(before[task.host][task.observed?.containerId as string]).toBe('running');
    // The import said A's containers are not on B's hosts; B's observation never had to find them missing.
    const fromA = new Set(Object.values(before).flatMap((containers) => Object.keys(containers)));
    const removals = (await targetEvents()).filter(
      (event) => event.type === 'ContainerRemoved' && fromA.has((event.data as { containerId: string }).containerId),
    );
    expect(removals.length).toBeGreaterThanOrEqual(3);
    expect(removals.map((event) => (event.metadata as { reason?: string }).reason)).toEqual(
      removals.map(() => expect.stringMatching(new RegExp(`^import from ${SOURCE}: container `))),
    );
    // A's rollout is history on B: B's runner wrote nothing for it, on its stream or its job's.
    const ownRolloutRecords = (await targetEvents()).filter(
      (event) =>
        ['JobRolloutStarted', 'JobRolloutEnded'].includes(event.type) ||
        (event.streamId.includes('.rollout.') && !(event.metadata as { source?: unknown }).source),
    );
    expect(ownRolloutRecords.every((event) => (event.metadata as { source?: unknown }).source !== undefined)).toBe(
      true,
    );
  });

  it("B's history and audit show A's history with its source, and its hash chains hold", async () => {
    const history = JSON.parse(await ok(cjB('history', 'web', '--json'))) as HistoryResponse;
    const historyA = JSON.parse(await ok(cjA('history', 'web', '--json'))) as HistoryResponse;
    expect(history.revisions.map((revision) => [revision.revision, revision.image])).toEqual(
      historyA.revisions.map((revision) => [revision.revision, revision.image]),
    );
    const audit = JSON.parse(await ok(cjB('audit', '--job', 'web', '--limit', '1000', '--json'))) as AuditEntry[];
    const registered = audit.find((entry) => entry.type === 'JobRegistered');
    expect(registered).toMatchObject({
      actor: expect.any(String),
      reason: 'first release',
      source: {
        env: SOURCE,
        stream: `cj.${SOURCE}.job.web`,
        revision: '0',
        storeId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    });
    expect(await ok(cjB('audit', '--job', 'web'))).toMatch(
      new RegExp(`imported from ${SOURCE}/web rev 0 @ position \\d+ of store [0-9a-f-]{36}\\)`),
    );
    await ok(cjB('audit', 'verify'));
  });

  it('an import run again records nothing', async () => {
    const count = (await imported()).length;
    const answer = JSON.parse(await ok(cjB('import', file, ...mapHosts, '--json'))) as {
      recorded: number;
      present: number;
      events: number;
      closing: number;
    };
    expect(answer).toMatchObject({ recorded: 0, present: answer.events + answer.closing });
    expect((await imported()).length).toBe(count);
  });
});
