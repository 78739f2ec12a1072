import type {
  ApplyResponse,
  AuditEntry,
  HistoryResponse,
  HostView,
  StatusResponse,
  TimelineEntry,
  UpDownResponse,
} from '@cj/api';
import { DEMO_REGISTRY, waitFor, type FakeHost } from '@cj/docker-adapter/testing';
import { freePort } from '../testing';
import {
  jobsFile,
  positionsOf,
  pushTalkImages,
  TALK_IMAGES,
  TALK_JOBS,
  talkHostsFile,
  talkJobsWithoutConflict,
} from './cli-e2e-files';
import { CliWorld } from './cli-e2e-world';

jest.setTimeout(60_000);

/**
 * The built `cj` against the built orchestrator, on fake Docker hosts and the local registry: what a
 * person types, what they read, the exit code, and what runs on the hosts afterwards.
 */
describe('cj against the orchestrator', () => {
  let world: CliWorld;
  let h1: FakeHost;
  let h2: FakeHost;
  let h3: FakeHost;

  beforeAll(async () => {
    world = await CliWorld.start(3);
    [h1, h2, h3] = world.hosts;
    await pushTalkImages();
  }, 120_000);

  afterAll(() => world?.stop());

  const json = <T>(stdout: string): T => JSON.parse(stdout) as T;

  /** Runs `check` and expects that it recorded nothing in `env` (the observation loop aside). */
  async function expectNothingRecorded(env: string, check: () => Promise<void>): Promise<void> {
    const before = await world.requestedEvents(env);
    await check();
    expect(await world.requestedEvents(env)).toBe(before);
  }

  describe('apply', () => {
    const env = 'cli-apply';
    let file: string;

    beforeAll(() => {
      file = world.file(
        'apply.yaml',
        jobsFile(
          env,
          [h1, h2, h3],
          [
            { name: 'web', tag: 'v1', hosts: [h1, h2], port: 18101, envs: { GREETING: 'hello' } },
            { name: 'prober', tag: 'v1', hosts: [h3], port: 18102 },
            { name: 'blog', tag: 'v2', hosts: [h2], port: 18103 },
          ],
        ),
      );
    });

    it('prints the plan of a dry run and records nothing', async () => {
      await expectNothingRecorded(env, async () => {
        const dry = await world.cj(env, ['apply', file, '--dry-run']);
        expect(dry).toMatchObject({ code: 0, stderr: '' });
        expect(dry.stdout).toBe(`Plan for ${env} (dry run, nothing recorded):\n  + web\n  + prober\n  + blog\n`);
      });
      const audit = await world.cj(env, ['audit', '--json']);
      expect(json<AuditEntry[]>(audit.stdout)).toEqual([]);
    });

    it('records every job, then finds nothing to change in the same file', async () => {
      const applied = await world.cj(env, ['apply', file, '--reason', 'first deploy']);
      expect(applied).toMatchObject({ code: 0, stderr: '' });
      expect(applied.stdout).toBe(
        `Plan for ${env}:\n  + web\n  + prober\n  + blog\nweb: recorded r1\nprober: recorded r1\nblog: recorded r1\n`,
      );
      const recorded = await world.requestedEvents(env);
      expect(recorded).toBeGreaterThan(0);

      const again = await world.cj(env, ['apply', file]);
      expect(again).toMatchObject({ code: 0, stderr: '' });
      expect(again.stdout).toBe(
        `Plan for ${env}:\n    web (unchanged)\n    prober (unchanged)\n    blog (unchanged)\nNo changes.\n`,
      );
      expect(await world.requestedEvents(env)).toBe(recorded);

      const history = json<HistoryResponse>((await world.cj(env, ['history', 'web', '--json'])).stdout);
      expect(history).toMatchObject({
        job: 'web',
        current: 1,
        revisions: [{ revision: 1, image: `${DEMO_REGISTRY}/cj-demo:v1`, reason: 'first deploy' }],
      });
      expect(history.revisions[0].actor).toMatch(/^[^@]+@[^@]+$/);
    });

    it('shows the change of an edited job, and prints the plan as JSON with stable fields', async () => {
      const edited = world.file(
        'apply-edited.yaml',
        jobsFile(
          env,
          [h1, h2, h3],
          [
            { name: 'web', tag: 'v1', hosts: [h1, h2], port: 18101, envs: { GREETING: 'hi' } },
            { name: 'prober', tag: 'v1', hosts: [h3], port: 18102 },
            { name: 'blog', tag: 'v2', hosts: [h2], port: 18103 },
          ],
        ),
      );
      await expectNothingRecorded(env, async () => {
        const dry = await world.cj(env, ['apply', edited, '--dry-run', '--json']);
        expect(dry).toMatchObject({ code: 0, stderr: '' });
        expect(json<ApplyResponse>(dry.stdout)).toEqual({
          env,
          dryRun: true,
          plan: [
            {
              job: 'web',
              action: 'update',
              changes: [{ path: expect.stringContaining('GREETING'), before: 'hello', after: 'hi', kind: 'container' }],
            },
            { job: 'prober', action: 'unchanged', changes: [] },
            { job: 'blog', action: 'unchanged', changes: [] },
          ],
        });
        const text = await world.cj(env, ['apply', edited, '--dry-run']);
        expect(text.stdout).toMatch(/^ {2}~ web\n {6}\S*GREETING\S*: hello → hi {2}\(replaces containers\)$/m);
      });
    });
  });

  describe("the talk's jobs file", () => {
    const env = 'talk';
    let base: string;

    beforeAll(() => {
      base = world.file('talk.hosts.yaml', talkHostsFile(env, { mon: h1, 'core-app-2': h2, 'git-app-1': h3 }));
    });

    it('is refused as it is, at both places that claim git-app-1:9999, recording nothing', async () => {
      const jobs = world.file('talk.jobs', TALK_JOBS);
      await expectNothingRecorded(env, async () => {
        const refused = await world.cj(env, ['apply', jobs, '--base', base]);
        expect(refused.code).toBe(2);
        expect(refused.stdout).toBe('');
        // Each port's value, and each error names the other place.
        const [webhook, updatehook] = positionsOf(TALK_JOBS, '"9999"');
        const at = (p: { line: number; column: number }) => `talk\\.jobs:${p.line}:${p.column}`;
        expect(refused.stderr).toMatch(/^cj: the jobs file has 2 errors; nothing was recorded$/m);
        expect(refused.stderr).toMatch(
          new RegExp(
            `^${at(webhook)}: port 9999 on host git-app-1 .*updatehook-listener.*\\(${at(updatehook)}\\)`,
            'm',
          ),
        );
        expect(refused.stderr).toMatch(
          new RegExp(`^${at(updatehook)}: port 9999 on host git-app-1 .*webhook-listener.*\\(${at(webhook)}\\)`, 'm'),
        );
      });
      const audit = await world.cj(env, ['audit', '--json']);
      expect(audit.code).toBe(0);
      expect(json<AuditEntry[]>(audit.stdout)).toEqual([]);
    });

    it('applies with updatehook-listener on another port, and up starts all four', async () => {
      const jobs = world.file('talk-fixed.jobs', talkJobsWithoutConflict(9998));
      const applied = await world.cj(env, ['apply', jobs, '--base', base]);
      expect(applied).toMatchObject({ code: 0, stderr: '' });
      for (const job of ['coding-prober', 'coding-blog', 'webhook-listener', 'updatehook-listener']) {
        expect(applied.stdout).toContain(`  + ${job}\n`);
        const up = await world.cj(env, ['up', job]);
        expect(up).toMatchObject({ code: 0, stderr: '' });
        expect(up.stdout).toMatch(new RegExp(`^${job} +0 +\\S+ +[0-9a-f]{12} +started$`, 'm'));
      }
      const where: [FakeHost, string, number, string][] = [
        [h1, 'coding-prober', 4444, TALK_IMAGES[0]],
        [h2, 'coding-blog', 9090, TALK_IMAGES[1]],
        [h3, 'webhook-listener', 9999, TALK_IMAGES[2]],
        [h3, 'updatehook-listener', 9998, TALK_IMAGES[3]],
      ];
      for (const [host, job, port, image] of where) {
        const [container] = await world.containers(host, env, job);
        expect(container).toMatchObject({
          State: 'running',
          Image: expect.stringContaining(`${DEMO_REGISTRY}/${image.split(':')[0]}@sha256:`),
        });
        await expectAnswers(`http://${host.address}:${port}/version`, 'v1');
      }
      const webhook = await world
        .docker(h3)
        .getContainer((await world.containers(h3, env, 'webhook-listener'))[0].Id)
        .inspect();
      expect(webhook.Config.Env).toEqual(expect.arrayContaining(['PORT=9999', 'http_port=8990']));
    });
  });

  describe("a job's life: up, status, diff, update, history, hosts, logs, audit, timeline, down", () => {
    const env = 'cli-ops';
    const talker = [
      '/bin/sh',
      '-c',
      "for i in 1 2 3 4 5 6 7 8; do echo line $i; done; trap 'exit 0' TERM; httpd -f -p $PORT -h /www & wait",
    ];
    let text: string;
    let file: string;
    let beforeUp: string;
    /** A moment while web's first containers ran, and their ids (by task). */
    let afterUp: string;
    let upContainers: string[];

    beforeAll(async () => {
      text = jobsFile(
        env,
        [h1, h2, h3],
        [
          { name: 'web', tag: 'v1', hosts: [h1, h2], port: 18201, envs: { GREETING: 'hello' } },
          { name: 'talker', tag: 'v1', hosts: [h3], port: 18202, command: talker },
        ],
      );
      file = world.file('ops.yaml', text);
      expect((await world.cj(env, ['apply', file])).code).toBe(0);
      beforeUp = new Date().toISOString();
    });

    it('up starts every task with the standard container configuration', async () => {
      const up = await world.cj(env, ['up', 'web', '--json']);
      expect(up).toMatchObject({ code: 0, stderr: '' });
      const tasks = json<UpDownResponse>(up.stdout).tasks;
      expect(tasks.map((t) => [t.task, t.host, t.action])).toEqual([
        [0, h1.name, 'started'],
        [1, h2.name, 'started'],
      ]);
      afterUp = new Date().toISOString();
      upContainers = tasks.map((t) => t.containerId ?? '');
      const { storeId } = (await world.orchestrator.request<{ storeId: string }>('GET', '/v1/store')).body;
      for (const [index, host] of [h1, h2].entries()) {
        const [listed] = await world.containers(host, env, 'web');
        expect(listed.Id).toBe(tasks[index].containerId);
        const inspect = await world.docker(host).getContainer(listed.Id).inspect();
        // The cluster's short id ends the name, so another cluster's same task on this host never collides.
        expect(inspect.Name).toBe(`/cj-${env}-web-${index}-r1.${storeId.replace(/-/g, '').slice(0, 8)}`);
        expect(inspect.State.Running).toBe(true);
        expect(inspect.HostConfig).toMatchObject({
          NetworkMode: 'host',
          Init: true,
          LogConfig: { Type: 'json-file', Config: { 'max-size': expect.any(String), 'max-file': expect.any(String) } },
        });
        expect(inspect.Config.Labels).toMatchObject({
          'cj.env': env,
          'cj.job': 'web',
          'cj.task': String(index),
          'cj.revision': '1',
          'cj.cluster': storeId,
        });
        expect(inspect.Mounts).toEqual(
          expect.arrayContaining([expect.objectContaining({ Destination: '/etc/passwd', RW: false })]),
        );
        expect(inspect.Config.Env).toEqual(expect.arrayContaining(['PORT=18201', 'GREETING=hello']));
      }
      const again = await world.cj(env, ['up', 'web']);
      expect(again.stdout).toMatch(/^web +0 +\S+ +[0-9a-f]{12} +already-running$/m);
      expect((await world.cj(env, ['up', 'talker'])).code).toBe(0);
    });

    it('status shows desired beside observed, with health and memory, as a table and as JSON', async () => {
      let status: StatusResponse | undefined;
      await waitFor('both tasks of web healthy', async () => {
        const answer = await world.cj(env, ['status', 'web', '--json']);
        status = json<StatusResponse>(answer.stdout);
        return status.tasks.every((t) => t.observed?.health === 'healthy' && (t.observed.memoryBytes ?? 0) > 0);
      });
      expect(status?.env).toBe(env);
      for (const [index, task] of (status?.tasks ?? []).entries()) {
        expect(task).toMatchObject({
          job: 'web',
          task: index,
          host: [h1, h2][index].name,
          port: 18201,
          desired: {
            revision: 1,
            image: `${DEMO_REGISTRY}/cj-demo:v1`,
            digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
            state: 'running',
          },
          observed: { revision: 1, state: 'running', health: 'healthy', image: `${DEMO_REGISTRY}/cj-demo:v1` },
        });
        expect(task.observed?.containerId).toBe((await world.containers([h1, h2][index], env, 'web'))[0].Id);
      }

      const table = await world.cj(env, ['status', 'web']);
      expect(table).toMatchObject({ code: 0, stderr: '' });
      const [header, ...rows] = table.stdout.trimEnd().split('\n');
      expect(header.split(/\s+/)).toEqual([
        'JOB',
        'TASK',
        'HOST',
        'PORT',
        'CONTAINER',
        'IMAGE',
        'DIGEST',
        'STATE',
        'HEALTH',
        'UPTIME',
        'MEMORY',
        'CPU',
        'DESIRED',
      ]);
      expect(rows).toHaveLength(2);
      for (const [index, row] of rows.entries()) {
        expect(row).toMatch(
          new RegExp(
            `^web +${index} +${[h1, h2][index].name} +18201 +[0-9a-f]{12} +\\S+cj-demo:v1 +sha256:[0-9a-f]{12} +running +healthy +\\S+ +[\\d.]+[KMG]?i?B +[\\d.]+% +running r1$`,
          ),
        );
      }
      const all = await world.cj(env, ['status']);
      expect(all.stdout).toMatch(/^talker +0 /m);
    });

    it('diff exits 0 when the file agrees, 1 after an edit, 2 on an invalid file', async () => {
      const same = await world.cj(env, ['diff', file]);
      expect(same).toMatchObject({ code: 0, stderr: '' });
      expect(same.stdout).toBe('No differences: the file, the recorded revisions and the running containers agree.\n');

      const edited = world.file(
        'ops-edited.yaml',
        jobsFile(
          env,
          [h1, h2, h3],
          [
            { name: 'web', tag: 'v1', hosts: [h1, h2], port: 18201, envs: { GREETING: 'bonjour' } },
            { name: 'talker', tag: 'v1', hosts: [h3], port: 18202, command: talker },
          ],
        ),
      );
      const changed = await world.cj(env, ['diff', edited]);
      expect(changed).toMatchObject({ code: 1, stderr: '' });
      expect(changed.stdout).toMatch(/^web$/m);
      expect(changed.stdout).toMatch(/^ {2}\S*GREETING\S* +bonjour +hello +hello +replaces containers$/m);

      const invalid = world.file('ops-invalid.yaml', `${text}    colour: blue\n`);
      const refused = await world.cj(env, ['diff', invalid]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^ops-invalid\.yaml:\d+:\d+: .*colour/m);
    });

    it("update shows the talk's screen: the running containers and the registry's tags, newest first", async () => {
      const containers = await Promise.all([h1, h2].map(async (host) => (await world.containers(host, env, 'web'))[0]));
      const screen = await world.cj(env, ['update', 'web'], { input: 'no-such-version\n' });
      expect(screen.code).toBe(2);
      expect(screen.stderr).toMatch(/^cj: no-such-version is not in the list$/m);
      const lines = screen.stdout.split('\n');
      expect(lines[0]).toBe('Find running container:');
      expect(lines[1].trim().split(/\s+/)).toEqual([
        'TASK',
        'HOST',
        'VERSION',
        'CREATED',
        'IMAGE',
        'ID',
        'CONTAINER',
        'ID',
      ]);
      for (const [index, container] of containers.entries()) {
        const created = new Date(container.Created * 1000).toISOString().slice(0, 10);
        expect(lines[2 + index]).toMatch(
          new RegExp(
            `^ +${index} +${[h1, h2][index].name} +v1 +${created} \\S+Z +[0-9a-f]{12} +${container.Id.slice(0, 12)}$`,
          ),
        );
      }
      expect(lines[4]).toBe('');
      expect(lines[5]).toBe('The tags in the registry:');
      expect(lines[6].trim().split(/\s+/)).toEqual(['#', 'VERSION', 'IMAGE', 'ID', 'CREATED']);
      const tags = lines
        .slice(7)
        .filter((line) => /^ +\d+ /.test(line))
        .map((line) => line.trim().split(/\s+/));
      // The registry is shared with other runs (the benchmarks push tags of their own): these at least.
      expect(tags.map(([, version]) => version)).toEqual(expect.arrayContaining(['crash', 'unhealthy', 'v1', 'v2']));
      const created = tags.map(([, , , day, time]) => `${day} ${time}`);
      expect([...created].sort().reverse()).toEqual(created);

      // Pick v2 by its number: either the rollout runs, or the orchestrator refuses it clearly (409).
      const v2 = tags.find(([, version]) => version === 'v2')?.[0];
      const chosen = await world.cj(env, ['update', 'web'], { input: `${v2}\n`, timeoutMs: 45_000 });
      expect(chosen.stdout).toContain(`Choose a version [1-${tags.length}]: \n`);
      if (chosen.code === 0) {
        expect(chosen.stdout).toMatch(/^rollout \S+ succeeded: web is at r2$/m);
        for (const host of [h1, h2]) {
          const running = (await world.containers(host, env, 'web')).filter((c) => c.State === 'running');
          expect(running.map((c) => c.Labels['cj.revision'])).toEqual(['2']);
          await expectAnswers(`http://${host.address}:18201/version`, 'v2');
        }
      } else {
        expect(chosen).toMatchObject({ code: 1, stderr: expect.stringMatching(/^cj: .*web.*\n {2}hint: /m) });
      }
    });

    it('history lists the revisions, newest first, with the current one marked', async () => {
      const history = await world.cj(env, ['history', 'web']);
      expect(history).toMatchObject({ code: 0, stderr: '' });
      const [header, ...rows] = history.stdout.trimEnd().split('\n');
      expect(header.split(/\s+/)).toEqual(['REVISION', 'IMAGE', 'DIGEST', 'AT', 'ACTOR', 'CHANGED', 'REASON']);
      expect(rows[rows.length - 1]).toBe('* current revision');
      expect(rows[rows.length - 2]).toMatch(
        new RegExp(`^r1 +(\\* +)?${DEMO_REGISTRY}/cj-demo:v1 +sha256:[0-9a-f]{12} `),
      );
      const answer = json<HistoryResponse>((await world.cj(env, ['history', 'web', '--json'])).stdout);
      expect(rows.filter((row) => /^r\d+ \*/.test(row))).toEqual([
        expect.stringMatching(new RegExp(`^r${answer.current} \\*`)),
      ]);
    });

    it('hosts lists every declared host as reachable, with its engine', async () => {
      const hosts = await world.cj(env, ['hosts', '--json']);
      expect(hosts).toMatchObject({ code: 0, stderr: '' });
      expect(json<HostView[]>(hosts.stdout).map((h) => [h.name, h.endpoint, h.address, h.reachable])).toEqual(
        [h1, h2, h3].map((h) => [h.name, h.endpoint, h.address, true]),
      );
      const table = await world.cj(env, ['hosts']);
      for (const host of [h1, h2, h3]) {
        expect(table.stdout).toMatch(
          new RegExp(`^${host.name} +${host.endpoint} +${host.address.replace(/\./g, '\\.')} +yes +\\d+\\.\\d+`, 'm'),
        );
      }
    });

    it("logs prints the last lines of a task's output", async () => {
      await waitFor('talker wrote its lines', async () =>
        (await world.cj(env, ['logs', 'talker'])).stdout.includes('line 8'),
      );
      const logs = await world.cj(env, ['logs', 'talker', '--tail', '5']);
      expect(logs).toMatchObject({ code: 0, stderr: '', stdout: 'line 4\nline 5\nline 6\nline 7\nline 8\n' });
      const missing = await world.cj(env, ['logs', 'talker', '--task', '3']);
      expect(missing).toMatchObject({
        code: 1,
        stdout: '',
        stderr: expect.stringMatching(/^cj: environment cli-ops has no task 3 of job talker\n {2}hint: /),
      });
    });

    it('audit lists who did what, as a table and as JSON', async () => {
      const entries = json<AuditEntry[]>((await world.cj(env, ['audit', '--job', 'web', '--json'])).stdout);
      const mine = entries.filter((e) => e.actor !== 'orchestrator');
      expect(mine.map((e) => e.type)).toEqual(expect.arrayContaining(['JobRegistered', 'ContainerStarted']));
      for (const entry of entries) {
        expect(entry).toMatchObject({
          position: expect.any(String),
          at: expect.any(String),
          env,
          stream: expect.stringMatching(new RegExp(`^cj\\.${env}\\.(job\\.web|rollout\\.[0-9a-f-]+)$`)),
          type: expect.any(String),
          job: 'web',
          level: 'summary',
          actor: expect.any(String),
          summary: expect.any(String),
        });
      }
      const table = await world.cj(env, ['audit', '--job', 'web']);
      expect(table.stdout.split('\n')[0].split(/\s+/)).toEqual([
        'POSITION',
        'AT',
        'ENV',
        'JOB',
        'TASK',
        'HOST',
        'TYPE',
        'ACTOR',
        'SUMMARY',
        'REASON',
      ]);
      expect(table.stdout).toMatch(/ web +\d+ +\S+ +ContainerStarted +\S+@\S+ +/);

      const since = json<AuditEntry[]>(
        (await world.cj(env, ['audit', '--job', 'web', '--since', afterUp, '--json'])).stdout,
      );
      expect(since.length).toBeLessThan(entries.length);
      for (const entry of since) expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(Date.parse(afterUp));
    });

    it('timeline shows what ran where: nothing before up, the containers after', async () => {
      const before = await world.cj(env, ['timeline', '--at', beforeUp]);
      expect(before).toMatchObject({ code: 0, stderr: '' });
      expect(before.stdout).toMatch(/^Nothing ran at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\.\n$/);
      expect(json<TimelineEntry[]>((await world.cj(env, ['timeline', '--at', beforeUp, '--json'])).stdout)).toEqual([]);
      // A time ago: the environment did not exist a day ago.
      expect((await world.cj(env, ['timeline', '--at', '1d'])).stdout).toMatch(/^Nothing ran at /);

      const then = json<TimelineEntry[]>((await world.cj(env, ['timeline', '--at', afterUp, '--json'])).stdout);
      expect(
        then
          .filter((e) => e.job === 'web')
          .map((e) => [e.task, e.host, e.revision, e.containerId])
          .sort(),
      ).toEqual([
        [0, h1.name, 1, upContainers[0]],
        [1, h2.name, 1, upContainers[1]],
      ]);

      const now = json<TimelineEntry[]>((await world.cj(env, ['timeline', '--json'])).stdout);
      // Replaced containers kept for a rollback are on the hosts too, stopped: they are not running now.
      const running = await Promise.all(
        [h1, h2, h3].map(async (host) =>
          (await world.containers(host, env))
            .filter((c) => c.State === 'running')
            .map((c) => [host.name, c.Labels['cj.job'], c.Id]),
        ),
      );
      expect(now.map((e) => [e.host, e.job, e.containerId]).sort()).toEqual(running.flat().sort());
      const table = await world.cj(env, ['timeline', '--host', h3.name]);
      expect(table.stdout).toMatch(
        new RegExp(
          `^${h3.name} +talker +0 +r1 +${DEMO_REGISTRY}/cj-demo:v1@sha256:[0-9a-f]{12} +\\d+ +[0-9a-f]{12} +\\d{4}-\\d\\d-\\d\\d \\S+Z +-$`,
          'm',
        ),
      );
      expect(table.stdout).not.toMatch(/ web /);
    });

    it('down stops and removes every container of the job on its hosts', async () => {
      const down = await world.cj(env, ['down', 'web', '--reason', 'maintenance']);
      expect(down).toMatchObject({ code: 0, stderr: '' });
      expect(down.stdout).toMatch(new RegExp(`^web +0 +${h1.name} +[0-9a-f]{12} +stopped$`, 'm'));
      expect(down.stdout).toMatch(new RegExp(`^web +1 +${h2.name} +[0-9a-f]{12} +stopped$`, 'm'));
      for (const host of [h1, h2]) expect(await world.containers(host, env, 'web')).toEqual([]);
      const status = json<StatusResponse>((await world.cj(env, ['status', 'web', '--json'])).stdout);
      expect(status.tasks.map((t) => [t.desired.state, t.observed])).toEqual([
        ['stopped', undefined],
        ['stopped', undefined],
      ]);
      expect((await world.cj(env, ['down', 'talker'])).code).toBe(0);
      expect(await world.containers(h3, env)).toEqual([]);
    });
  });

  describe('bad input: a clear message on stderr, the exit code, and nothing recorded', () => {
    const env = 'cli-bad';
    let valid: string;

    beforeAll(() => {
      valid = jobsFile(env, [h1], [{ name: 'web', tag: 'v1', hosts: [h1], port: 18401 }]);
    });

    async function refused(args: string[], code: number, stderr: RegExp): Promise<void> {
      await expectNothingRecorded(env, async () => {
        const result = await world.cj(env, args);
        expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
        expect(result.stderr).toMatch(stderr);
      });
    }

    it('a YAML syntax error, once, at its line and column, with a hint', async () => {
      const text = valid.replace('    port: 18401\n', '   port: 18401\n');
      const file = world.file('syntax.yaml', text);
      const [at] = positionsOf(text, '   port: 18401');
      await expectNothingRecorded(env, async () => {
        const result = await world.cj(env, ['apply', file]);
        expect(result.code).toBe(2);
        const located = result.stderr.split('\n').filter((line) => line.startsWith('syntax.yaml:'));
        expect(located).toHaveLength(1);
        expect(located[0]).toMatch(
          new RegExp(`^syntax\\.yaml:${at.line}:1: .+ \\(.*; the rest of the file is checked once this parses\\)$`),
        );
      });
    });

    it('an unknown key, with where it is', async () => {
      const text = valid.replace('    port: 18401\n', '    port: 18401\n    colour: blue\n');
      const file = world.file('unknown-key.yaml', text);
      const [at] = positionsOf(text, 'colour');
      await refused(['apply', file], 2, new RegExp(`^unknown-key\\.yaml:${at.line}:${at.column}: .*colour`, 'm'));
    });

    it('a host the file does not declare', async () => {
      const text = valid.replace(`hosts:\n      - ${h1.name}\n`, `hosts:\n      - git-app-9\n`);
      expect(text).not.toBe(valid);
      const file = world.file('undeclared.yaml', text);
      const [at] = positionsOf(text, 'git-app-9');
      await refused(['apply', file], 2, new RegExp(`^undeclared\\.yaml:${at.line}:\\d+: .*git-app-9`, 'm'));
    });

    it("a tag the registry does not have, at the job's image", async () => {
      const text = valid.replace('cj-demo:v1', 'cj-demo:no-such-tag');
      const file = world.file('missing-tag.yaml', text);
      const [at] = positionsOf(text, 'cj-demo:no-such-tag');
      await refused(
        ['apply', file],
        2,
        new RegExp(
          `^missing-tag\\.yaml:${at.line}:${at.column}: job "web": image ${DEMO_REGISTRY}/cj-demo:no-such-tag is not in the registry .*\\(tags of cj-demo: .*v2.*; pick a tag`,
          'm',
        ),
      );
    });

    it('a job that was never recorded, for up, down, status and history', async () => {
      for (const command of ['up', 'down', 'status', 'history']) {
        await refused([command, 'nosuch'], 1, /^cj: .*nosuch/m);
      }
    });

    it('a file that does not exist', async () => {
      await refused(['apply', 'missing.yaml'], 2, /^cj: cannot read missing\.yaml: no such file$/m);
    });

    it('a host whose engine does not answer', async () => {
      const gone = 'cli-gone';
      const file = world.file(
        'gone.yaml',
        valid
          .replace(`environment: ${env}`, `environment: ${gone}`)
          .replace(h1.endpoint, 'unix:///nonexistent/docker.sock'),
      );
      expect((await world.cj(gone, ['apply', file])).code).toBe(0);
      await expectNothingRecorded(gone, async () => {
        const up = await world.cj(gone, ['up', 'web']);
        expect(up).toMatchObject({ code: 1, stdout: '' });
        expect(up.stderr).toBe(
          `cj: host ${h1.name}: the Docker engine at unix:///nonexistent/docker.sock does not answer (ENOENT); ` +
            "check that dockerd runs there and that the endpoint in the jobs file's hosts section is right\n" +
            '  hint: cj hosts shows which hosts of the environment answer\n',
        );
      });
    });

    it('an orchestrator that is not running', async () => {
      const url = `http://127.0.0.1:${await freePort()}`;
      const result = await world.cj(env, ['status'], { url });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `^cj: the orchestrator is not reachable at ${url.replace(/\./g, '\\.')} \\(connection refused\\)$`,
          'm',
        ),
      );
    });
  });

  it('replicate copies an environment onto other hosts, and up runs it there', async () => {
    const env = 'cli-rep';
    const copy = 'cli-rep-copy';
    const file = world.file(
      'rep.yaml',
      jobsFile(env, [h1, h2], [{ name: 'mirror', tag: 'v2', hosts: [h1], port: 18301 }]),
    );
    expect((await world.cj(env, ['apply', file])).code).toBe(0);
    const replicated = await world.cj(env, ['replicate', '--to', copy, '--map', `${h1.name}=${h2.name}`]);
    expect(replicated).toMatchObject({ code: 0, stderr: '' });
    expect(replicated.stdout).toBe(
      `Replicated ${env} into ${copy}:\n  host ${h2.name}: declared at ${h2.endpoint} (tasks answer on ${h2.address})\n  mirror: created revision 1, from ${env} rev 1; no rollout: start it with cj --env ${copy} up mirror\n`,
    );

    const up = await world.cj(copy, ['up', 'mirror']);
    expect(up).toMatchObject({ code: 0, stderr: '' });
    expect(up.stdout).toMatch(new RegExp(`^mirror +0 +${h2.name} +[0-9a-f]{12} +started$`, 'm'));
    expect(await world.containers(h1, copy)).toEqual([]);
    expect((await world.containers(h2, copy, 'mirror')).map((c) => c.State)).toEqual(['running']);
    await expectAnswers(`http://${h2.address}:18301/version`, 'v2');
    const history = json<HistoryResponse>((await world.cj(copy, ['history', 'mirror', '--json'])).stdout);
    const source = json<HistoryResponse>((await world.cj(env, ['history', 'mirror', '--json'])).stdout);
    expect(history.revisions[0].digest).toBe(source.revisions[0].digest);

    const unmapped = await world.cj(env, ['replicate', '--to', 'cli-rep-other', '--map', `${h2.name}=${h3.name}`]);
    expect(unmapped).toMatchObject({ code: 2, stdout: '' });
    expect(unmapped.stderr).toBe(
      `cj: host ${h1.name} of environment ${env} is not mapped\n  hint: map each one to a host of cli-rep-other, e.g. --map-host ${h1.name}=NEW_HOST=unix:///var/run/docker.sock\n`,
    );
  });
});

/** Waits until the URL answers 200 with `body` (a task that just started takes a moment to listen). */
async function expectAnswers(url: string, body: string): Promise<void> {
  let last = '';
  await waitFor(`${url} answering ${body}`, async () => {
    last = await fetch(url).then(
      async (response) => `${response.status} ${(await response.text()).trim()}`,
      (error: Error) => error.message,
    );
    return last === `200 ${body}`;
  }).catch((error: Error) => {
    throw new Error(`${error.message}; last answer: ${last}`);
  });
}
