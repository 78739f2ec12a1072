import type { AuditEntry, CompareResponse, HistoryResponse, HostView, ReplicateResponse, TimelineEntry } from '@cj/api';
import { fixtures, RecordedApi, runCj } from '../testing';

const hosts: HostView[] = [
  {
    name: 'git-app-1',
    endpoint: 'unix:///var/run/docker.sock',
    address: '127.0.0.1',
    reachable: true,
    engineVersion: '20.10.24',
    containers: 2,
    lastSeen: '2015-06-02T10:00:00.000Z',
  },
  { name: 'mon', endpoint: 'tcp://127.77.2.2:2376', address: '127.77.2.2', reachable: false, containers: 0 },
];
const history: HistoryResponse = {
  job: 'webhook-listener',
  current: 2,
  revisions: [
    {
      revision: 1,
      image: 'webhook-listener:a5af2f2',
      changes: [],
      actor: 'ops@laptop',
      at: '2015-05-30T08:00:00.000Z',
    },
    {
      revision: 2,
      image: 'webhook-listener:b7c8d9e',
      digest: fixtures.DIGEST_V2,
      changes: [{ path: 'image.tag', before: 'a5af2f2', after: 'b7c8d9e' }],
      actor: 'ops@laptop',
      reason: 'new hook format',
      at: '2015-06-02T09:30:00.000Z',
    },
  ],
  rollbacks: [
    {
      rolloutId: '0b3e5d71-8c2a-4f69-b1d4-7e9a2c6f5b09',
      kind: 'automatic',
      from: 3,
      to: 2,
      at: '2015-06-02T11:00:00.000Z',
      actor: 'ops@laptop',
      reason: 'task 0 failed: GET /health → 404',
    },
  ],
};
const audit: AuditEntry[] = [
  {
    position: '42',
    at: '2015-06-02T09:30:00.000Z',
    env: 'default',
    stream: 'cj.default.job.webhook-listener',
    type: 'JobRevisionCreated',
    job: 'webhook-listener',
    level: 'summary',
    actor: 'ops@laptop',
    reason: 'new hook format',
    summary: 'webhook-listener r2: image.tag',
  },
  {
    position: '43',
    at: '2015-06-02T09:31:00.000Z',
    env: 'default',
    stream: 'cj.default.job.webhook-listener',
    type: 'ContainerStarted',
    job: 'webhook-listener',
    task: 0,
    host: 'git-app-1',
    level: 'summary',
    actor: 'ops@laptop',
    summary: 'container started: task=0 host=git-app-1',
  },
];
const replicated: ReplicateResponse = {
  sourceEnv: 'default',
  targetEnv: 'staging',
  dryRun: false,
  hosts: [{ name: 'stg-2', endpoint: 'tcp://127.0.0.9:2375', address: '127.0.0.9' }],
  jobs: [
    { job: 'prober', action: 'unchanged', sourceRevision: 1, revision: 1, changes: [] },
    {
      job: 'web',
      action: 'update',
      sourceRevision: 7,
      revision: 3,
      changes: ['image.tag', 'image.digest'],
      rolloutId: 'r-1',
    },
    {
      job: 'worker',
      action: 'create',
      sourceRevision: 2,
      revision: 1,
      changes: [],
      noRollout: 'start it with cj --env staging up worker',
    },
  ],
};

const compared: CompareResponse = {
  env: 'default',
  with: 'staging',
  equal: false,
  differences: [
    { job: 'web', field: 'image.tag', left: 'v1', right: 'v2' },
    { job: 'web', task: 1, field: 'observed.state', left: 'running' },
    { job: 'api', field: 'job', right: 'declared' },
  ],
};

const timeline: TimelineEntry[] = [
  {
    host: 'git-app-1',
    job: 'webhook-listener',
    task: 0,
    revision: 1,
    image: 'webhook-listener:a5af2f2',
    containerId: 'abcdef0123456789',
    port: 9999,
    from: '2015-05-30T08:00:00.000Z',
    to: '2015-06-02T10:00:00.000Z',
  },
];

describe('cj read commands', () => {
  let api: RecordedApi;

  beforeAll(async () => {
    api = await new RecordedApi()
      .on('GET', '/v1/envs/default/hosts', { json: hosts })
      .on('GET', '/v1/envs/default/jobs/webhook-listener/history', { json: history })
      .on('GET', '/v1/envs/default/audit', { json: audit })
      .on('GET', '/v1/envs/default/timeline', { json: timeline })
      .on('GET', '/v1/envs/default/rollouts', {
        json: [fixtures.rollout('rolled-back', ['rolled-back', 'pending'], 'unhealthy')],
      })
      .on('GET', '/v1/envs/default/rollouts/6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01', {
        json: fixtures.rollout('running', ['updated', 'updating']),
      })
      .on('POST', '/v1/envs/default/rollouts/6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01/pause', {
        json: fixtures.rollout('paused', ['updated', 'pending']),
      })
      .on('GET', '/v1/envs/default/jobs/webhook-listener/logs', { text: 'listening on 9999\nPOST /hook 200\n' })
      .on('POST', '/v1/envs/default/replicate', { json: replicated })
      .on('GET', '/v1/envs/default/compare', { json: compared })
      .on('GET', '/v1/envs/default/jobs/broken/history', { status: 502, text: 'upstream connect error' })
      .start();
  });
  afterAll(() => api.stop());

  it.each([
    [['hosts'], hosts],
    [['history', 'webhook-listener'], history],
    [['audit'], audit],
    [['timeline', '--at', '2015-06-01T00:00:00Z'], timeline],
    [
      ['rollout', 'status', '6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01'],
      fixtures.rollout('running', ['updated', 'updating']),
    ],
  ])('%j --json prints the API answer unchanged', async (args, body) => {
    const result = await runCj([...args, '--json'], { url: api.url });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(body);
  });

  it('hosts: a table with reachability', async () => {
    const result = await runCj(['hosts'], { url: api.url });
    expect(result.stdout.split('\n')).toEqual([
      expect.stringMatching(/^NAME {7}ENDPOINT {21}ADDRESS {5}REACHABLE {2}ENGINE {4}CONTAINERS {2}LAST SEEN$/),
      // When it last answered, and how long ago.
      expect.stringMatching(
        /^git-app-1  unix:\/\/\/var\/run\/docker\.sock  127\.0\.0\.1   yes        20\.10\.24           2  2015-06-02 10:00:00Z \(\d+d\d*h? ago\)$/,
      ),
      expect.stringMatching(
        /^mon        tcp:\/\/127\.77\.2\.2:2376        127\.77\.2\.2  no         -                  0  -$/,
      ),
      '',
    ]);
  });

  it('history: newest first, the current revision marked', async () => {
    const result = await runCj(['history', 'webhook-listener'], { url: api.url });
    const lines = result.stdout.split('\n');
    expect(lines[1]).toMatch(
      /^r2 \* +webhook-listener:b7c8d9e +sha256:222222222222 +2015-06-02 09:30:00Z +ops@laptop +image\.tag +new hook format$/,
    );
    expect(lines[2]).toMatch(/^r1 +webhook-listener:a5af2f2 +- /);
    expect(lines[3]).toBe('* current revision');
    expect(lines[5]).toBe('Rollbacks:');
    expect(lines[6].split(/\s{2,}/)).toEqual(['AT', 'KIND', 'ROLLED BACK', 'TO', 'ACTOR', 'ROLLOUT', 'REASON']);
    expect(lines[7]).toMatch(
      /^2015-06-02 11:00:00Z +automatic +r3 +r2 +ops@laptop +0b3e5d71-8c2a-4f69-b1d4-7e9a2c6f5b09 +task 0 failed: GET \/health → 404$/,
    );
  });

  it('audit: sends the range as ISO times, a time ago counted back from now', async () => {
    const before = Date.now();
    const result = await runCj(
      ['audit', '--job', 'webhook-listener', '--since', '2h', '--until', '2015-06-03', '--limit', '10'],
      { url: api.url },
    );
    expect(result.code).toBe(0);
    const query = new URL(api.requests.at(-1)?.url ?? '', api.url).searchParams;
    expect(query.get('job')).toBe('webhook-listener');
    expect(query.get('until')).toBe('2015-06-03T00:00:00.000Z');
    expect(query.get('limit')).toBe('10');
    const since = Date.parse(query.get('since') ?? '');
    expect(before - 2 * 3_600_000 - since).toBeLessThanOrEqual(0);
    expect(Date.now() - 2 * 3_600_000 - since).toBeGreaterThanOrEqual(0);
    expect(result.stdout.split('\n')[0].split(/\s+/)).toEqual([
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
    expect(result.stdout).toMatch(
      /^ +42 +2015-06-02 09:30:00Z +default +webhook-listener +JobRevisionCreated +ops@laptop +webhook-listener r2: image\.tag +new hook format$/m,
    );
    expect(result.stdout).toMatch(
      /^ +43 +2015-06-02 09:31:00Z +default +webhook-listener +0 +git-app-1 +ContainerStarted +ops@laptop +container started/m,
    );
    expect(result.stdout).not.toMatch(/more|earlier/);
  });

  it('audit: every filter reaches the API, and a page that is not the last says how to read the next one', async () => {
    const paged = await new RecordedApi()
      .on('GET', '/v1/envs/default/audit', { json: audit, headers: { 'Cj-More-After': '43' } })
      .start();
    try {
      const args = [
        'audit',
        '--host',
        'git-app-1',
        '--rollout',
        '6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01',
        '--actor',
        'ops@laptop',
        '--type',
        'ContainerStarted,ContainerStopped',
        '--job',
        'web',
        '--task',
        '1',
        '--after',
        '41',
        '--all',
        '--limit',
        '2',
      ];
      const table = await runCj(args, { url: paged.url });
      expect(table.code).toBe(0);
      expect(Object.fromEntries(new URL(paged.requests[0].url, paged.url).searchParams)).toEqual({
        host: 'git-app-1',
        rollout: '6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01',
        actor: 'ops@laptop',
        type: 'ContainerStarted,ContainerStopped',
        job: 'web',
        task: '1',
        after: '41',
        all: 'true',
        limit: '2',
      });
      expect(table.stdout.trimEnd().split('\n').at(-1)).toBe(
        'more: events follow position 43; next page: cj audit --job web --task 1 --host git-app-1 --rollout 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01 --actor ops@laptop --type ContainerStarted,ContainerStopped --limit 2 --all --after 43',
      );
      const json = await runCj([...args, '--json'], { url: paged.url });
      expect(JSON.parse(json.stdout)).toEqual(audit);
      expect(json.stderr).toMatch(/^more: events follow position 43; next page: cj audit .* --after 43\n$/);
    } finally {
      await paged.stop();
    }
  });

  it('timeline: what ran where at the moment asked', async () => {
    const result = await runCj(['timeline', '--at', '2015-06-01T00:00:00Z', '--host', 'git-app-1'], { url: api.url });
    expect(api.requests.at(-1)?.url).toBe('/v1/envs/default/timeline?at=2015-06-01T00%3A00%3A00.000Z&host=git-app-1');
    expect(result.stdout).toMatch(
      /^At 2015-06-01 00:00:00Z:\nHOST +JOB +TASK +REVISION +IMAGE +PORT +CONTAINER +FROM +TO\ngit-app-1 +webhook-listener +0 +r1 +webhook-listener:a5af2f2 +9999 +abcdef012345 +2015-05-30 08:00:00Z +2015-06-02 10:00:00Z\n$/,
    );
  });

  it('rollout list, status and pause', async () => {
    const list = await runCj(['rollout', 'list', '--job', 'webhook-listener'], { url: api.url });
    expect(list.stdout).toMatch(
      /^6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01 +webhook-listener +r2 +r3 +rolled-back +2015-06-02 10:00:00Z +- +unhealthy$/m,
    );
    const status = await runCj(['rollout', 'status', '6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01'], { url: api.url });
    expect(status.stdout).toMatch(
      /^rollout 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01 {2}webhook-listener {2}r2 → r3 {2}running\nstarted 2015-06-02 10:00:00Z\n\nTASK +HOST/,
    );
    const pause = await runCj(['rollout', 'pause', '6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01', '--reason', 'lunch'], {
      url: api.url,
    });
    expect(pause.stdout).toBe('rollout 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01 paused: now paused\n');
    expect(api.requests.at(-1)?.body).toMatchObject({ reason: 'lunch' });
  });

  it('logs: streams the text, passing task, tail and follow', async () => {
    const result = await runCj(['logs', 'webhook-listener', '--task', '0', '--tail', '50', '-f'], { url: api.url });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('listening on 9999\nPOST /hook 200\n');
    expect(api.requests.at(-1)?.url).toBe('/v1/envs/default/jobs/webhook-listener/logs?task=0&tail=50&follow=true');
  });

  it('replicate: sends the target and the host map, and says per job what happened', async () => {
    const result = await runCj(
      [
        'replicate',
        '--to',
        'staging',
        '--map',
        'git-app-1=stg-1',
        '--map-host',
        'mon=stg-2=tcp://127.0.0.9:2375=127.0.0.9',
      ],
      { url: api.url },
    );
    expect(result.code).toBe(0);
    expect(api.requests.at(-1)?.body).toMatchObject({
      targetEnv: 'staging',
      hosts: { 'git-app-1': 'stg-1', mon: { name: 'stg-2', endpoint: 'tcp://127.0.0.9:2375', address: '127.0.0.9' } },
    });
    expect(api.requests.at(-1)?.body).not.toHaveProperty('dryRun');
    expect(result.stdout).toBe(
      [
        'Replicated default into staging:',
        '  host stg-2: declared at tcp://127.0.0.9:2375 (tasks answer on 127.0.0.9)',
        '  prober: unchanged (revision 1), from default rev 1',
        '  web: updated revision 3, from default rev 7 [image.tag, image.digest]; rollout r-1 started',
        '  worker: created revision 1, from default rev 2; no rollout: start it with cj --env staging up worker',
        '',
      ].join('\n'),
    );
  });

  it('replicate: --as-of, --job, --revision, --dry-run and --no-deploy go into the request', async () => {
    expect(
      (
        await runCj(
          [
            'replicate',
            '--to',
            'staging',
            '--map-host',
            'a=b',
            '--as-of',
            '2015-06-01T10:00:00Z',
            '--dry-run',
            '--no-deploy',
          ],
          { url: api.url },
        )
      ).code,
    ).toBe(0);
    expect(api.requests.at(-1)?.body).toMatchObject({ asOf: '2015-06-01T10:00:00.000Z', dryRun: true, noDeploy: true });
    expect(
      (
        await runCj(['replicate', '--to', 'staging', '--map-host', 'a=b', '--job', 'web', '--revision', '2'], {
          url: api.url,
        })
      ).code,
    ).toBe(0);
    expect(api.requests.at(-1)?.body).toMatchObject({ job: 'web', revision: 2 });
    const lone = await runCj(['replicate', '--to', 'staging', '--map-host', 'a=b', '--revision', '2'], {
      url: api.url,
    });
    expect(lone).toMatchObject({ code: 2, stdout: '' });
    expect(lone.stderr).toMatch(/--revision names a revision of one job\n  hint: add --job JOB/);
  });

  it('compare: lists each difference on its own line and exits 1', async () => {
    const result = await runCj(['compare', 'staging'], { url: api.url });
    expect(api.requests.at(-1)?.url).toBe('/v1/envs/default/compare?with=staging');
    expect(result).toMatchObject({ code: 1, stderr: '' });
    expect(result.stdout).toBe(
      'web image.tag: v1 (default) ≠ v2 (staging)\nweb task 1 observed.state: running (default) ≠ - (staging)\napi job: - (default) ≠ declared (staging)\n',
    );
  });

  it('an answer that is not problem+json still gives a clear error', async () => {
    const result = await runCj(['history', 'broken'], { url: api.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('cj: 502 Bad Gateway: upstream connect error\n');
  });
});
