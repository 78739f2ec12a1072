import Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { openSqliteEventStore } from '@cj/event-store';
import type {
  ApiProblem,
  ApplyResponse,
  AuditEntry,
  DiffResponse,
  HistoryResponse,
  HostView,
  RolloutView,
  StatusResponse,
  TimelineEntry,
  UpdateCandidatesResponse,
  UpDownResponse,
} from '@cj/api';
import { ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import { demoJobsFile, OrchestratorProcess, waitUntil } from '../testing';

jest.setTimeout(120_000);

const ENV = 'e2e';
const change = (reason?: string) => ({ actor: 'tester@e2e', commandId: randomUUID(), ...(reason && { reason }) });

describe('the orchestrator over HTTP, on fake hosts', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;
  let jobsText: string;

  /**
   * Events recorded on someone's request, read straight from the SQLite file (a second reader is
   * fine). The observation loop's own events (actor `orchestrator`) may come at any time.
   */
  async function eventCount(): Promise<number> {
    const store = openSqliteEventStore(orchestrator.store);
    try {
      return (await store.readAll()).filter((event) => (event.metadata as { actor?: string }).actor !== 'orchestrator')
        .length;
    } finally {
      await store.close();
    }
  }

  async function expectNothingRecorded<T>(action: () => Promise<T>): Promise<T> {
    const before = await eventCount();
    const result = await action();
    expect(await eventCount()).toBe(before);
    return result;
  }

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(2);
    orchestrator = await OrchestratorProcess.start({ observeInterval: '300ms', extraArgs: ['--stats-interval', '1s'] });
    const [a, b] = fake.hosts;
    jobsText = demoJobsFile(
      ENV,
      [a.spec, b.spec],
      [
        // Its killed task is left exited for `up` to start: reconcile only records.
        {
          name: 'web',
          tag: 'v1',
          hosts: [a.name, b.name],
          port: 18080,
          envs: { GREETING: 'hello' },
          reconcile: 'report',
        },
        { name: 'prober', tag: 'v1', hosts: [b.name], port: 14444 },
      ],
    );
  });

  afterAll(async () => {
    await orchestrator?.stop();
    await fake?.stop();
  });

  it('refuses an invalid jobs file with every error at file:line:column, recording nothing', async () => {
    const broken = jobsText
      .replace('port: 18080', 'port: 99999')
      .replace('image: cj-demo:v1\n    hosts: [h', 'image: cj-demo:v1\n    colour: blue\n    hosts: [h');
    const answer = await expectNothingRecorded(() =>
      orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/apply`, {
        ...change(),
        jobs: { file: 'jobs.yaml', text: broken },
      }),
    );
    expect(answer.status).toBe(422);
    expect(answer.contentType).toContain('application/problem+json');
    expect(answer.body.errors?.length).toBeGreaterThanOrEqual(2);
    for (const error of answer.body.errors ?? []) {
      expect(error.file).toBe('jobs.yaml');
      expect(error.line).toBeGreaterThan(0);
      expect(error.column).toBeGreaterThan(0);
    }
    expect(answer.body.errors?.map((e) => e.message).join('\n')).toMatch(/colour/);
  });

  it("refuses a tag the registry does not have as an error at the job's image, recording nothing", async () => {
    const missing = jobsText.replace('cj-demo:v1', 'cj-demo:v3');
    const lines = missing.split('\n');
    const line = lines.findIndex((text) => text.includes('cj-demo:v3')) + 1;
    const answer = await expectNothingRecorded(() =>
      orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/apply`, {
        ...change(),
        jobs: { file: 'jobs.yaml', text: missing },
      }),
    );
    expect(answer.status).toBe(422);
    expect(answer.contentType).toContain('application/problem+json');
    expect(answer.body.detail).toBe('the jobs file has 1 error; nothing was recorded');
    expect(answer.body.errors).toEqual([
      {
        file: 'jobs.yaml',
        line,
        column: lines[line - 1].indexOf('cj-demo:v3') + 1,
        path: 'jobs[0].image',
        message:
          'job "web": image 127.77.0.1:5000/cj-demo:v3 is not in the registry (repository cj-demo has no tag v3)',
        hint: expect.stringMatching(/^did you mean "v[12]"\? tags of cj-demo: .*v2.*; pick a tag the registry has/),
      },
    ]);
  });

  it('reports every job whose image the registry lacks, a missing repository too', async () => {
    const missing = jobsText.replace('cj-demo:v1', 'cj-demo:v3').replace('cj-demo:v1', 'cj-dmeo:v1');
    const answer = await expectNothingRecorded(() =>
      orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/apply`, {
        ...change(),
        jobs: { file: 'jobs.yaml', text: missing },
      }),
    );
    expect(answer.status).toBe(422);
    expect(answer.body.errors?.map((e) => [e.path, e.message])).toEqual([
      ['jobs[0].image', expect.stringContaining('job "web"')],
      [
        'jobs[1].image',
        'job "prober": image 127.77.0.1:5000/cj-dmeo:v1 is not in the registry (registry 127.77.0.1:5000 has no repository cj-dmeo)',
      ],
    ]);
    expect(answer.body.errors?.[1].hint).toMatch(/^did you mean "cj-demo"\?/);
  });

  it('rejects unknown request fields', async () => {
    const answer = await orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/apply`, {
      ...change(),
      jobs: { file: 'jobs.yaml', text: jobsText },
      force: true,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/force should not exist/);
  });

  it('plans without recording on a dry run, then records hosts and first revisions with pinned digests', async () => {
    const dry = await expectNothingRecorded(() =>
      orchestrator.request<ApplyResponse>('POST', `/v1/envs/${ENV}/apply`, {
        ...change(),
        jobs: { file: 'jobs.yaml', text: jobsText },
        dryRun: true,
      }),
    );
    expect(dry.status).toBe(200);
    expect(dry.body.plan.map((entry) => [entry.job, entry.action])).toEqual([
      ['web', 'create'],
      ['prober', 'create'],
    ]);

    const applied = await orchestrator.request<ApplyResponse>('POST', `/v1/envs/${ENV}/apply`, {
      ...change('first deploy'),
      jobs: { file: 'jobs.yaml', text: jobsText },
    });
    expect(applied.status).toBe(200);
    expect(applied.body.plan).toEqual([
      { job: 'web', action: 'create', changes: [], revision: 1 },
      { job: 'prober', action: 'create', changes: [], revision: 1 },
    ]);
    const history = await orchestrator.request<HistoryResponse>('GET', `/v1/envs/${ENV}/jobs/web/history`);
    expect(history.body.current).toBe(1);
    expect(history.body.revisions[0]).toMatchObject({
      revision: 1,
      image: '127.77.0.1:5000/cj-demo:v1',
      actor: 'tester@e2e',
      reason: 'first deploy',
    });
    expect(history.body.revisions[0].digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const again = await expectNothingRecorded(() =>
      orchestrator.request<ApplyResponse>('POST', `/v1/envs/${ENV}/apply`, {
        ...change(),
        jobs: { file: 'jobs.yaml', text: jobsText },
      }),
    );
    expect(again.body.plan.map((entry) => entry.action)).toEqual(['unchanged', 'unchanged']);
  });

  it("applies the talk's own text format with a companion hosts file", async () => {
    const [a] = fake.hosts;
    const talk = `jobs: <\n  name: "webhook-listener"\n  image: "cj-demo:v1"\n  run_on_host: "${a.name}"\n  port: "9999"\n  envs: < key: "http_port" value: "8990" >\n>\n`;
    const base = `environment: e2e-talk\nregistry: 127.77.0.1:5000\nhosts:\n  ${a.name}: { endpoint: "${a.endpoint}", address: ${a.address} }\n`;
    const applied = await orchestrator.request<ApplyResponse>('POST', '/v1/envs/e2e-talk/apply', {
      ...change(),
      jobs: { file: 'talk.jobs', text: talk },
      base: { file: 'hosts.yaml', text: base },
      dryRun: true,
    });
    expect(applied.status).toBe(200);
    expect(applied.body.plan).toEqual([{ job: 'webhook-listener', action: 'create', changes: [] }]);
    const elsewhere = await orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/apply`, {
      ...change(),
      jobs: { file: 'talk.jobs', text: talk },
      base: { file: 'hosts.yaml', text: base },
    });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.hint).toMatch(/--env e2e-talk/);
  });

  it('answers 404 for an unknown job, recording nothing', async () => {
    const answer = await expectNothingRecorded(() =>
      orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/jobs/nosuch/up`, change()),
    );
    expect(answer.status).toBe(404);
    expect(answer.body.hint).toBeDefined();
  });

  it('starts every task with the standard configuration, and leaves running tasks alone', async () => {
    const up = await orchestrator.request<UpDownResponse>('POST', `/v1/envs/${ENV}/jobs/web/up`, change());
    expect(up.status).toBe(200);
    expect(up.body.tasks.map((task) => [task.task, task.host, task.action])).toEqual([
      [0, fake.hosts[0].name, 'started'],
      [1, fake.hosts[1].name, 'started'],
    ]);
    for (const [index, task] of up.body.tasks.entries()) {
      const host = fake.hosts[index];
      const inspect = await new Docker({ socketPath: host.socketPath })
        .getContainer(task.containerId as string)
        .inspect();
      expect(inspect.State.Running).toBe(true);
      expect(inspect.HostConfig.NetworkMode).toBe('host');
      expect(inspect.HostConfig.Init).toBe(true);
      expect(inspect.HostConfig.LogConfig).toMatchObject({
        Type: 'json-file',
        Config: { 'max-size': expect.any(String), 'max-file': expect.any(String) },
      });
      expect(inspect.Config.Labels).toMatchObject({
        'cj.env': ENV,
        'cj.job': 'web',
        'cj.task': String(index),
        'cj.revision': '1',
      });
      expect(inspect.Config.Env).toEqual(expect.arrayContaining(['PORT=18080', 'GREETING=hello']));
      await expectHealthy(`http://${host.address}:18080/health`);
    }
    const again = await expectNothingRecorded(() =>
      orchestrator.request<UpDownResponse>('POST', `/v1/envs/${ENV}/jobs/web/up`, change()),
    );
    expect(again.body.tasks.map((task) => task.action)).toEqual(['already-running', 'already-running']);
  });

  it('shows desired and observed side by side, with health and memory', async () => {
    const status = await waitUntil(
      () => orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status?job=web`),
      // Memory is sampled in the background, not asked of the engine on the request path.
      (answer) =>
        answer.body.tasks.every((task) => task.observed?.health === 'healthy' && (task.observed.memoryBytes ?? 0) > 0),
    );
    expect(status.body.tasks).toHaveLength(2);
    for (const task of status.body.tasks) {
      expect(task.desired).toMatchObject({ revision: 1, image: '127.77.0.1:5000/cj-demo:v1', state: 'running' });
      expect(task.observed).toMatchObject({ revision: 1, state: 'running', health: 'healthy' });
      expect(task.observed?.memoryBytes).toBeGreaterThan(0);
    }
    const hosts = await orchestrator.request<HostView[]>('GET', `/v1/envs/${ENV}/hosts`);
    expect(hosts.body.map((host) => [host.name, host.reachable])).toEqual(fake.hosts.map((host) => [host.name, true]));
    const timeline = await orchestrator.request<TimelineEntry[]>('GET', `/v1/envs/${ENV}/timeline`);
    expect(
      timeline.body
        .filter((entry) => entry.job === 'web')
        .map((entry) => entry.host)
        .sort(),
    ).toEqual(fake.hosts.map((host) => host.name).sort());
  });

  it('records a container that exits on its own', async () => {
    const [task] = (await orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status?job=web`)).body.tasks;
    await new Docker({ socketPath: fake.hosts[0].socketPath })
      .getContainer(task.observed?.containerId as string)
      .kill();
    const status = await waitUntil(
      () => orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status?job=web`),
      (answer) => answer.body.tasks[0].observed?.state === 'exited',
    );
    expect(status.body.tasks[0].desired.state).toBe('running');
    const audit = await orchestrator.request<AuditEntry[]>('GET', `/v1/envs/${ENV}/audit?job=web`);
    expect(audit.body.some((entry) => entry.type === 'ContainerExited' && entry.actor === 'orchestrator')).toBe(true);
    const up = await orchestrator.request<UpDownResponse>('POST', `/v1/envs/${ENV}/jobs/web/up`, change());
    expect(up.body.tasks.map((t) => t.action)).toEqual(['started', 'already-running']);
  });

  it('diffs a file against the recorded revision three ways', async () => {
    const text = jobsText.replace('cj-demo:v1', 'cj-demo:v2');
    const diff = await orchestrator.request<DiffResponse>('POST', `/v1/envs/${ENV}/diff`, {
      jobs: { file: 'jobs.yaml', text },
    });
    expect(diff.status).toBe(200);
    expect(diff.body.changed).toBe(true);
    expect(diff.body.jobs).toEqual([
      { job: 'web', fields: [{ path: 'image.tag', kind: 'container', file: 'v2', recorded: 'v1', running: 'v1' }] },
    ]);
    // prober was never started: nothing runs, so its field has no running value.
    const moved = await orchestrator.request<DiffResponse>('POST', `/v1/envs/${ENV}/diff`, {
      jobs: { file: 'jobs.yaml', text: jobsText.replace('port: 14444', 'port: 14445') },
      job: 'prober',
    });
    expect(moved.body.jobs).toEqual([
      { job: 'prober', fields: [{ path: 'tasks[0].port', kind: 'container', file: 14445, recorded: 14444 }] },
    ]);
    const same = await orchestrator.request<DiffResponse>('POST', `/v1/envs/${ENV}/diff`, {
      jobs: { file: 'jobs.yaml', text: jobsText },
      job: 'web',
    });
    expect(same.body).toEqual({ changed: false, jobs: [] });
  });

  it('lists the running containers and the registry tags, newest first, for an update', async () => {
    const answer = await orchestrator.request<UpdateCandidatesResponse>('GET', `/v1/envs/${ENV}/jobs/web/update`);
    expect(answer.status).toBe(200);
    expect(answer.body.running.map((c) => [c.task, c.version])).toEqual([
      [0, 'v1'],
      [1, 'v1'],
    ]);
    expect(answer.body.tags.map((tag) => tag.version)).toEqual(
      expect.arrayContaining(['v1', 'v2', 'crash', 'unhealthy']),
    );
    expect(answer.body.tags.every((tag) => /^sha256:/.test(tag.digest) && /^sha256:/.test(tag.imageId))).toBe(true);
  });

  it('plans an update of a running job on a dry run, recording nothing (applying it starts a rollout: see rollouts.spec)', async () => {
    const text = jobsText.replace('cj-demo:v1', 'cj-demo:v2');
    const answer = await expectNothingRecorded(() =>
      orchestrator.request<ApplyResponse>('POST', `/v1/envs/${ENV}/apply`, {
        ...change(),
        jobs: { file: 'jobs.yaml', text },
        dryRun: true,
      }),
    );
    expect(answer.status).toBe(200);
    const web = answer.body.plan.find((entry) => entry.job === 'web');
    expect(web).toMatchObject({ action: 'update' });
    expect(web?.changes.map((c) => c.path)).toContain('image.tag');
    expect(web?.rolloutId).toBeUndefined();
  });

  it('refuses to remove a running job, on a dry run and for real (409 job-running), recording nothing', async () => {
    const [a, b] = fake.hosts;
    const withoutWeb = demoJobsFile(
      ENV,
      [a.spec, b.spec],
      [{ name: 'prober', tag: 'v1', hosts: [b.name], port: 14444 }],
    );
    for (const dryRun of [true, false]) {
      const answer = await expectNothingRecorded(() =>
        orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/apply`, {
          ...change(),
          jobs: { file: 'jobs.yaml', text: withoutWeb },
          dryRun,
        }),
      );
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({
        type: expect.stringMatching(/job-running$/),
        detail: 'job web is running and the file no longer declares it',
        hint: 'stop it first with cj down web, then apply again',
      });
    }
  });

  it("serves a task's logs as text", async () => {
    const answer = await orchestrator.request<string>('GET', `/v1/envs/${ENV}/jobs/web/logs?task=1&tail=5`);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toContain('text/plain');
    const missing = await orchestrator.request<ApiProblem>('GET', `/v1/envs/${ENV}/jobs/web/logs?task=7`);
    expect(missing.status).toBe(404);
  });

  it('replicates the environment onto other hosts, and up starts it there', async () => {
    const [a, b] = fake.hosts;
    const copy = `${ENV}-copy`;
    const answer = await orchestrator.request<{ jobs: { job: string; action: string; revision?: number }[] }>(
      'POST',
      `/v1/envs/${ENV}/replicate`,
      {
        ...change('a second cluster'),
        targetEnv: copy,
        hosts: { [a.name]: b.name, [b.name]: a.name },
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.jobs).toEqual([
      {
        job: 'prober',
        action: 'create',
        sourceRevision: 1,
        revision: 1,
        changes: [],
        noRollout: `start it with cj --env ${copy} up prober`,
      },
      {
        job: 'web',
        action: 'create',
        sourceRevision: expect.any(Number),
        revision: 1,
        changes: [],
        noRollout: `start it with cj --env ${copy} up web`,
      },
    ]);
    const up = await orchestrator.request<UpDownResponse>('POST', `/v1/envs/${copy}/jobs/prober/up`, change());
    expect(up.body.tasks.map((task) => [task.host, task.action])).toEqual([[a.name, 'started']]);
    await expectHealthy(`http://${a.address}:14444/health`);
    const history = await orchestrator.request<HistoryResponse>('GET', `/v1/envs/${copy}/jobs/prober/history`);
    const source = await orchestrator.request<HistoryResponse>('GET', `/v1/envs/${ENV}/jobs/prober/history`);
    expect(history.body.revisions[0].digest).toBe(source.body.revisions[0].digest);
    const down = await orchestrator.request<UpDownResponse>('POST', `/v1/envs/${copy}/jobs/prober/down`, change());
    expect(down.body.tasks.map((task) => task.action)).toEqual(['stopped']);
    const unmapped = await orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/replicate`, {
      ...change(),
      targetEnv: 'e2e-other',
      hosts: { [a.name]: b.name },
    });
    expect(unmapped.status).toBe(422);
    expect(unmapped.body.detail).toContain(b.name);
  });

  it('refuses to act on a host that does not answer, recording nothing', async () => {
    const unreachable = { name: 'gone', endpoint: 'unix:///nonexistent/docker.sock', address: '127.77.250.2' };
    const text = demoJobsFile('e2e-down', [unreachable], [{ name: 'lost', tag: 'v1', hosts: ['gone'], port: 18090 }]);
    const applied = await orchestrator.request<ApplyResponse>('POST', `/v1/envs/e2e-down/apply`, {
      ...change(),
      jobs: { file: 'lost.yaml', text },
    });
    expect(applied.status).toBe(200);
    const answer = await expectNothingRecorded(() =>
      orchestrator.request<ApiProblem>('POST', `/v1/envs/e2e-down/jobs/lost/up`, change()),
    );
    expect(answer.status).toBe(503);
    expect(answer.body.detail).toMatch(/gone/);
  });

  it('rebuilds the read models from zero to the same answers', async () => {
    const reads = [
      'status',
      'hosts',
      'jobs/web/history',
      'jobs/prober/history',
      'audit?limit=10000',
      `timeline?at=${new Date().toISOString()}`,
    ];
    const snapshot = () =>
      Promise.all(
        reads.map(async (path) => stripVolatile((await orchestrator.request('GET', `/v1/envs/${ENV}/${path}`)).body)),
      );
    const position = async () =>
      (await orchestrator.request<{ projectionPosition: string }>('GET', '/healthz')).body.projectionPosition;
    await waitUntil(
      () => orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status?job=web`),
      (answer) => answer.body.tasks.every((task) => task.observed?.health === 'healthy'),
    );
    // The observation loop may record an event at any time: compare only when none came in between.
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await position();
      const live = await snapshot();
      const rebuilt = await orchestrator.request<{ position: string }>('POST', '/v1/admin/rebuild-projections');
      expect(rebuilt.status).toBe(200);
      const again = await snapshot();
      if ((await position()) !== before) continue;
      expect(again).toEqual(live);
      return;
    }
    throw new Error('the log kept changing; could not compare the rebuilt read models');
  });

  it('refuses up and down while a rollout of the job runs (409 naming it), and allows them once it ended', async () => {
    const rollout = await orchestrator.request<RolloutView>('POST', `/v1/envs/${ENV}/jobs/web/rolling-update`, {
      ...change(),
      tag: 'v2',
    });
    expect(rollout.status).toBe(200);
    for (const verb of ['up', 'down']) {
      const refused = await orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/jobs/web/${verb}`, change());
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        type: 'https://cj.dev/problems/rollout-in-progress',
        detail: `job "web" has rollout ${rollout.body.id} in progress`,
      });
      expect(refused.body.hint).toContain(`cj rollout abort ${rollout.body.id}`);
    }
    const ended = await waitUntil(
      () => orchestrator.request<RolloutView>('GET', `/v1/envs/${ENV}/rollouts/${rollout.body.id}`),
      (answer) => answer.body.phase !== 'running',
      60_000,
    );
    expect(ended.body.phase).toBe('succeeded');
    const up = await orchestrator.request<UpDownResponse>('POST', `/v1/envs/${ENV}/jobs/web/up`, change());
    expect(up.status).toBe(200);
    expect(up.body.tasks.map((task) => task.action)).toEqual(['already-running', 'already-running']);
  });

  it('stops and removes every container of the job on down', async () => {
    const down = await orchestrator.request<UpDownResponse>(
      'POST',
      `/v1/envs/${ENV}/jobs/web/down`,
      change('maintenance'),
    );
    expect(down.status).toBe(200);
    expect(down.body.tasks.map((task) => task.action)).toEqual(['stopped', 'stopped']);
    for (const host of fake.hosts) {
      const left = await new Docker({ socketPath: host.socketPath }).listContainers({
        all: true,
        filters: { label: [`cj.env=${ENV}`, 'cj.job=web'] },
      });
      expect(left).toEqual([]);
    }
    const status = await orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status?job=web`);
    expect(status.body.tasks.map((task) => [task.desired.state, task.observed])).toEqual([
      ['stopped', undefined],
      ['stopped', undefined],
    ]);
  });
});

/** Memory and CPU change between reads; the rest of a read model must not. */
/** What observation keeps outside the log (samples, when a host last answered): not a read model's. */
const VOLATILE = new Set(['memoryBytes', 'cpuPercent', 'statsAt', 'observedAt', 'lastSeen', 'stale']);

function stripVolatile(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body, (key, value) => (VOLATILE.has(key) ? undefined : value)));
}

async function expectHealthy(url: string): Promise<void> {
  const answer = await waitUntil(
    () =>
      fetch(url).then(
        (response) => response.status,
        () => 0,
      ),
    (status) => status === 200,
  );
  expect(answer).toBe(200);
}
