/**
 * An incident review in commands, end to end: the built orchestrator and `cj`, two fake Docker
 * hosts, the demo images. prod runs web (a task per host) and api; web is rolled to v2, then to a
 * build that crashes and is rolled back by cj, then rolled back to v1 by hand; its environment
 * changes; api is downed. Then the questions: what ran on a host at T1 and T2, who changed what
 * and why, why the crash rollout rolled back and when its first container died, and every start
 * and stop on a host in a window, in order, complete, page by page.
 */
import type { AuditEntry, HistoryResponse, RolloutView, TimelineEntry, WhyResponse } from '@cj/api';
import { ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the real `cj` binary is what an operator runs; its test runner is the CLI's test-only helper
import { runCj } from '../../../cli/src/testing/cli';
import { OrchestratorProcess } from '../testing';

jest.setTimeout(600_000);

const ENV = 'prod';
const WEB_PORT = 18690;
const API_PORT = 18691;
const CONTAINER_EVENTS = 'ContainerStarted,ContainerStopped,ContainerExited,ContainerRemoved';

describe('an incident review answered by cj audit, timeline, history and why', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;
  let jobsFile: string;
  const at: Record<string, string> = {};
  let crash: RolloutView;
  let whyAfterCrash: WhyResponse;

  const cj = async (...args: string[]) => runCj(args, { url: orchestrator.url, env: ENV, timeoutMs: 120_000 });
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await cj(...args, '--json');
    if (result.code !== 0) throw new Error(`cj ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };
  const mark = async (name: string) => {
    // Whole seconds apart, so a time between two steps separates them whatever the clock's skew.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    at[name] = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 1100));
  };
  const writeJobs = (tag: string, greeting: string) => {
    const [h1, h2] = fake.hosts;
    writeFileSync(
      jobsFile,
      [
        `environment: ${ENV}`,
        'registry: 127.77.0.1:5000',
        'hosts:',
        ...fake.hosts.map((h) => `  ${h.spec.name}: { endpoint: "${h.spec.endpoint}", address: ${h.spec.address} }`),
        'defaults:',
        '  restart: "no"',
        'jobs:',
        '  - name: web',
        `    image: cj-demo:${tag}`,
        `    hosts: [${h1.name}, ${h2.name}]`,
        '    replicas: 2',
        `    port: ${WEB_PORT}`,
        '    health: { type: http, path: /health, interval: 250ms, timeout: 1s, retries: 1 }',
        '    update: { max_parallel: 2, min_healthy_time: 500ms, healthy_deadline: 4s, keep_replaced: 1 }',
        `    envs: { GREETING: "${greeting}" }`,
        '  - name: api',
        '    image: cj-demo:v1',
        `    run_on_host: ${h1.name}`,
        `    port: ${API_PORT}`,
        '',
      ].join('\n'),
    );
  };
  /** Runs cj and expects its exit code, showing what it printed when it differs. */
  const expectCj = async (code: number, ...args: string[]) => {
    const result = await cj(...args);
    expect({ args, code: result.code, stderr: result.code === code ? '' : result.stderr }).toEqual({
      args,
      code,
      stderr: '',
    });
  };
  const apply = () => expectCj(0, 'apply', jobsFile, '--yes', '--reason', 'jobs file');

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(2);
    // A loaded machine may take a while to start it; the test is about what it records, not its start.
    orchestrator = await OrchestratorProcess.start({ observeInterval: '500ms', readyTimeoutMs: 90_000 });
    jobsFile = join(orchestrator.dir, 'jobs.yaml');

    writeJobs('v1', 'hello');
    await apply();
    await expectCj(0, 'up', 'web', '--reason', 'first deploy');
    await expectCj(0, 'up', 'api');
    await mark('t1');

    await expectCj(0, 'rolling-update', 'web', '--tag', 'v2', '--reason', 'release 2');
    await mark('t2');

    at['crashStart'] = new Date().toISOString();
    await expectCj(3, 'rolling-update', 'web', '--tag', 'crash', '--monitor', '3s', '--reason', 'release 3');
    [crash] = await json<RolloutView[]>('rollout', 'list', '--job', 'web');
    whyAfterCrash = await json<WhyResponse>('why', 'web', '--task', '0');
    await mark('t3');

    await expectCj(0, 'rollback', 'web', '--to', '1', '--reason', 'v2 leaks memory');
    writeJobs('v1', 'bonjour');
    await apply();
    await expectCj(0, 'down', 'api', '--reason', 'api moves to its own cluster');
    await mark('t4');
  });

  afterAll(async () => {
    await orchestrator?.stop();
    await fake?.stop();
  });

  it('what ran on a host at T1 and at T2: container ids, image digests and ports, as the engine ran them', async () => {
    const h1 = fake.hosts[0].name;
    const atT1 = await json<TimelineEntry[]>('timeline', '--at', at['t1'], '--host', h1);
    const atT2 = await json<TimelineEntry[]>('timeline', '--at', at['t2'], '--host', h1, '--spec');
    expect(atT1.map((e) => [e.job, e.task, e.revision, e.port])).toEqual([
      ['api', 0, 1, API_PORT],
      ['web', 0, 1, WEB_PORT],
    ]);
    expect(atT2.map((e) => [e.job, e.task, e.revision, e.port])).toEqual([
      ['api', 0, 1, API_PORT],
      ['web', 0, 2, WEB_PORT],
    ]);
    for (const entry of [...atT1, ...atT2])
      expect(entry.image).toMatch(/^127\.77\.0\.1:5000\/cj-demo:v[12]@sha256:[0-9a-f]{64}$/);
    expect(atT1.find((e) => e.job === 'web')?.containerId).not.toBe(atT2.find((e) => e.job === 'web')?.containerId);
    // --spec: the revision as recorded, with the environment it ran with.
    expect(atT2.find((e) => e.job === 'web')?.spec).toMatchObject({
      name: 'web',
      envs: [{ key: 'GREETING', value: 'hello' }],
    });
    const table = await cj('timeline', '--at', at['t2'], '--host', h1, '--spec');
    expect(table.stdout).toMatch(new RegExp(`^${h1} +web +0 +r2 +\\S+ +${WEB_PORT} +[0-9a-f]{12} `, 'm'));
    expect(table.stdout).toMatch(/^web r2:$/m);

    // The web container the timeline names at T2 is the one the engine ran then (now removed or stopped).
    const t2Web = atT2.find((e) => e.job === 'web') as TimelineEntry;
    const started = await json<AuditEntry[]>(
      'audit',
      '--host',
      h1,
      '--type',
      'ContainerStarted',
      '--job',
      'web',
      '--since',
      at['t1'],
      '--until',
      at['t2'],
    );
    expect(started.map((e) => e.summary)).toEqual([
      expect.stringContaining(`containerId=${t2Web.containerId.slice(0, 12)}`),
    ]);
  });

  it('who changed what and why: the history with its rollbacks, the audit by actor', async () => {
    const history = await json<HistoryResponse>('history', 'web');
    const byRevision = new Map(history.revisions.map((r) => [r.revision, r]));
    expect(byRevision.get(2)).toMatchObject({
      reason: 'release 2',
      changes: expect.arrayContaining([expect.objectContaining({ path: 'image.tag' })]),
    });
    expect(byRevision.get(3)).toMatchObject({ reason: 'release 3' });
    expect(byRevision.get(4)).toMatchObject({
      reason: 'jobs file',
      changes: expect.arrayContaining([expect.objectContaining({ path: 'envs.GREETING' })]),
    });
    const me = byRevision.get(2)?.actor as string;
    expect(me).not.toBe('orchestrator');
    expect(history.rollbacks.map((r) => [r.kind, r.from, r.to, r.actor])).toEqual([
      ['requested', 2, 1, me],
      ['automatic', 3, 2, me],
    ]);
    expect(history.rollbacks[0].reason).toBe('v2 leaks memory');
    const table = (await cj('history', 'web')).stdout;
    expect(table).toMatch(/^Rollbacks:\n/m);
    expect(table).toMatch(/ automatic +r3 +r2 /);

    const mine = await json<AuditEntry[]>('audit', '--actor', me, '--limit', '1000');
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine.map((e) => e.actor))).toEqual(new Set([me]));
    const reasons = mine
      .filter((e) => e.type === 'JobRevisionCreated' || e.type === 'JobRolloutStarted')
      .map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['release 2', 'release 3', 'v2 leaks memory', 'jobs file']));
    const downed = await json<AuditEntry[]>('audit', '--job', 'api', '--type', 'ContainerStopped,ContainerRemoved');
    expect(downed.length).toBeGreaterThan(0);
    expect(
      downed.every((e) => e.reason === 'api moves to its own cluster' && e.host === fake.hosts[0].name && e.task === 0),
    ).toBe(true);
  });

  it('why the crash rollout rolled back, and when its first container died', async () => {
    expect(crash.phase).toBe('rolled-back');
    const summary = await json<AuditEntry[]>('audit', '--rollout', crash.id, '--limit', '1000');
    const every = await json<AuditEntry[]>('audit', '--rollout', crash.id, '--all', '--limit', '1000');
    // The summary: phases and failures, no step-by-step intents or passed checks.
    expect(summary.length).toBeLessThan(every.length);
    expect(summary.some((e) => /Requested$|HealthCheckPassed$/.test(e.type))).toBe(false);
    expect(summary.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'JobRolloutStarted',
        'RolloutStarted',
        'RolloutRollbackStarted',
        'RolloutRolledBack',
        'JobRolloutEnded',
      ]),
    );
    // Every row names where it happened; a rollout's task steps name their task's host.
    for (const entry of every) expect(entry).toMatchObject({ env: ENV, job: 'web', rollout: crash.id });
    for (const entry of every.filter((e) => e.task !== undefined))
      expect(fake.hosts.map((h) => h.name)).toContain(entry.host);

    // When the first crash container died: the rollout's first failed check saw it gone (exited, or
    // no longer answering, depending on which came first), on a named task and host.
    const failure = summary.find(
      (e) => e.type === 'RolloutHealthCheckFailed' || e.type === 'UpdatedTaskChecked' || e.type === 'TaskUpdateFailed',
    ) as AuditEntry;
    expect(failure.summary).toMatch(/exit|ECONNREFUSED|refused/);
    expect(failure).toMatchObject({ task: expect.any(Number), host: expect.any(String), level: 'summary' });
    const rolledBack = summary.find((e) => e.type === 'RolloutRolledBack') as AuditEntry;
    expect(rolledBack.reason ?? rolledBack.summary).toMatch(/task|exit|fail/);
    expect(BigInt(failure.position)).toBeLessThan(BigInt(rolledBack.position));
    expect(Date.parse(failure.at)).toBeGreaterThanOrEqual(Date.parse(at['crashStart']));

    // cj why, right after: the task's state, the rollout that put it there, its failure, who and why.
    expect(whyAfterCrash.state?.type).toBe('ContainerStarted');
    const types = whyAfterCrash.chain.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['JobRevisionCreated', 'JobRolloutStarted', 'RolloutStarted', 'RolloutRolledBack']),
    );
    expect(whyAfterCrash.chain.find((e) => e.type === 'JobRevisionCreated')).toMatchObject({
      reason: 'release 3',
      actor: expect.not.stringMatching(/^orchestrator$/),
    });
    expect(whyAfterCrash.chain.some((e) => e.rollout === crash.id && /Failed$|UpdatedTaskChecked/.test(e.type))).toBe(
      true,
    );
    expect(whyAfterCrash.chain.every((e) => e.task === undefined || e.task === 0)).toBe(true);
    const whyTable = await cj('why', 'web', '--task', '0');
    expect(whyTable.stdout).toMatch(/^Task 0 of web: container started/);
  });

  it('every start and stop on a host in a window: in log order from its start, complete, page by page', async () => {
    const h2 = fake.hosts[1].name;
    const window = ['--host', h2, '--type', CONTAINER_EVENTS, '--since', at['t1'], '--until', at['t4']];
    const whole = await json<AuditEntry[]>('audit', ...window, '--limit', '10000');
    // web's task 1 lives on h2: v2, crash, back to v2, v1 by hand, v1 with the new environment.
    expect(whole.filter((e) => e.type === 'ContainerStarted').length).toBeGreaterThanOrEqual(5);
    expect(
      whole.every(
        (e) => e.host === h2 && Date.parse(e.at) >= Date.parse(at['t1']) && Date.parse(e.at) <= Date.parse(at['t4']),
      ),
    ).toBe(true);
    const positions = whole.map((e) => BigInt(e.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    // Every run the timeline knows on h2 in the window has its start here.
    const runs = new Set<string>();
    for (const t of [at['t2'], at['t3'], at['t4']])
      for (const e of await json<TimelineEntry[]>('timeline', '--at', t, '--host', h2))
        runs.add(e.containerId.slice(0, 12));
    const startedIds = whole
      .filter((e) => e.type === 'ContainerStarted')
      .map((e) => /containerId=(\w+)/.exec(e.summary)?.[1]);
    for (const id of runs) expect(startedIds).toContain(id);

    // Pages of 3 from the window's start (never its newest 3), each with the next page's cursor.
    const pages: AuditEntry[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await cj('audit', ...window, '--limit', '3', ...(after ? ['--after', after] : []), '--json');
      expect(page.code).toBe(0);
      pages.push(JSON.parse(page.stdout) as AuditEntry[]);
      const more = /^more: events follow position (\d+); next page: cj audit .* --after \1\n$/.exec(page.stderr);
      if (!more) {
        expect(page.stderr).toBe('');
        break;
      }
      after = more[1];
    }
    expect(pages[0]).toEqual(whole.slice(0, 3));
    expect(pages.flat()).toEqual(whole);
  });
});
