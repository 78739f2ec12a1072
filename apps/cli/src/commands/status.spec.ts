import type { StatusResponse } from '@cj/api';
import { fixtures, RecordedApi, runCj } from '../testing';

/** The status answer when someone runs a container with cj's labels by hand, and a job's tasks are gone. */
const withUnexpected: StatusResponse = {
  ...fixtures.status,
  unexpected: [
    {
      host: 'git-app-1',
      job: 'webhook-listener',
      task: 0,
      revision: 7,
      containerId: 'deadbeef0123456789abcdef0123456789abcdef0123456789abcdef01234567',
      image: 'localhost:5000/webhook-listener:debug',
      name: 'webhook-debug',
      since: '2015-06-02T09:30:00.123Z',
    },
    {
      host: 'core-app-2',
      job: 'gone-job',
      task: 3,
      revision: 1,
      containerId: 'feed0123456789abcdef',
      since: '2015-06-02T10:00:00.000Z',
    },
  ],
};

/** Every host silent for a while: the read model's last knowledge, marked stale, with when it was true. */
const unanswered: StatusResponse = {
  env: 'dark',
  tasks: [
    {
      ...fixtures.status.tasks[0],
      observed: {
        ...fixtures.status.tasks[0].observed!,
        stale: true,
        observedAt: new Date(Date.now() - 3 * 60_000).toISOString(),
      },
    },
    {
      ...fixtures.status.tasks[0],
      task: 1,
      observed: {
        ...fixtures.status.tasks[0].observed!,
        state: 'exited',
        exitCode: 3,
        observedAt: new Date().toISOString(),
      },
    },
  ],
};

/** r3 changed only the update policy: task 0 runs the container r2 made, which is r3's too; task 1's is of an older image. */
const landedInPlace: StatusResponse = {
  env: 'policy',
  tasks: [
    {
      ...fixtures.status.tasks[0],
      desired: { ...fixtures.status.tasks[0].desired, revision: 3 },
      observed: { ...fixtures.status.tasks[0].observed!, revision: 2, upToDate: true },
    },
    {
      ...fixtures.status.tasks[0],
      task: 1,
      desired: { ...fixtures.status.tasks[0].desired, revision: 3 },
      observed: { ...fixtures.status.tasks[0].observed!, revision: 1, upToDate: false },
    },
  ],
};

describe('cj status', () => {
  let api: RecordedApi;

  beforeAll(async () => {
    api = await new RecordedApi()
      .on('GET', '/v1/envs/default/status', { json: fixtures.status })
      .on('GET', '/v1/envs/prod/status', { json: { env: 'prod', tasks: [] } })
      .on('GET', '/v1/envs/debugging/status', { json: withUnexpected })
      .on('GET', '/v1/envs/dark/status', { json: unanswered })
      .on('GET', '/v1/envs/policy/status', { json: landedInPlace })
      .on('GET', '/v1/envs/bare/status', {
        json: { env: 'bare', tasks: [], unexpected: withUnexpected.unexpected?.slice(1) },
      })
      .start();
  });
  afterAll(() => api.stop());

  it('prints the API answer unchanged with --json', async () => {
    const result = await runCj(['status', '--json'], { url: api.url });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(fixtures.status);
  });

  it('renders an aligned table: short container id and digest, memory, cpu, desired vs observed', async () => {
    const result = await runCj(['status'], { url: api.url });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const header = lines[0];
    expect(header.split(/\s{2,}/)).toEqual([
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
    // Every left-aligned column starts at the same offset on every line.
    for (const column of ['HOST', 'CONTAINER', 'IMAGE', 'DIGEST', 'STATE', 'HEALTH']) {
      const at = header.indexOf(column);
      for (const line of lines.slice(1)) expect(line[at - 1]).toBe(' ');
      expect(lines[1][at]).not.toBe(' ');
    }
    expect(lines[1]).toContain(' c0ffee012345 ');
    expect(lines[1]).not.toContain('c0ffee0123456');
    expect(lines[1]).toContain(' sha256:111111111111 ');
    expect(lines[1]).toMatch(/ running +healthy +\d+d\d+h +50\.0MiB +1\.3% +running r2$/);
    expect(lines[2]).toMatch(/^coding-blog +1 +core-app-2 +9090 +- +- +- +absent +- +- +- +- +running r5 \(differs\)$/);
  });

  it('marks a task whose container an earlier revision made as differing only when that container is not up to date', async () => {
    const lines = (await runCj(['--env', 'policy', 'status'], { url: api.url })).stdout.trimEnd().split('\n');

    expect(lines[1]).toMatch(/ running r3$/);
    expect(lines[2]).toMatch(/ running r3 \(differs\)$/);
  });

  it('shows how old a stale observation is, and the code a container exited with', async () => {
    const lines = (await runCj(['--env', 'dark', 'status'], { url: api.url })).stdout.trimEnd().split('\n');

    expect(lines[1]).toMatch(/ running \(stale: 3m\d*s? old\) +healthy \(stale\) /);
    expect(lines[2]).toMatch(/ exited \(3\) +healthy(?! \(stale\)) /);
  });

  it('lists after the tasks the containers no task accounts for, saying cj leaves them running', async () => {
    const result = await runCj(['--env', 'debugging', 'status'], { url: api.url });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      expect.stringMatching(/^JOB +TASK/),
      expect.stringMatching(/^webhook-listener /),
      expect.stringMatching(/^coding-blog /),
      '',
    ]);
    expect(lines.slice(4)).toEqual([
      "Not cj's (left running; cj never stops them):",
      'HOST        JOB               TASK  REVISION  CONTAINER     NAME           SINCE',
      'git-app-1   webhook-listener     0  r7        deadbeef0123  webhook-debug  2015-06-02 09:30:00Z',
      'core-app-2  gone-job             3  r1        feed01234567  -              2015-06-02 10:00:00Z',
    ]);
    // The table of tasks alone when there are none: the answer of the default env has no such field.
    expect((await runCj(['status'], { url: api.url })).stdout).not.toContain("Not cj's");
  });

  it('shows them even where no job is recorded, and carries the field unchanged with --json', async () => {
    const bare = await runCj(['--env', 'bare', 'status'], { url: api.url });
    expect(bare.stdout.split('\n').slice(0, 3)).toEqual([
      'No jobs recorded in bare; record some with `cj apply FILE`.',
      '',
      "Not cj's (left running; cj never stops them):",
    ]);
    expect(bare.stdout).toMatch(/\ncore-app-2 +gone-job +3 +r1 +feed01234567 +- +2015-06-02 10:00:00Z\n$/);

    const json = await runCj(['--env', 'debugging', 'status', '--json'], { url: api.url });
    expect(JSON.parse(json.stdout)).toEqual(withUnexpected);
  });

  it('asks for one job and the environment given', async () => {
    await runCj(['status', 'webhook-listener'], { url: api.url });
    expect(api.requests.at(-1)?.url).toBe('/v1/envs/default/status?job=webhook-listener');
    const result = await runCj(['--env', 'prod', 'status'], { url: api.url });
    expect(result.stdout).toBe('No jobs recorded in prod; record some with `cj apply FILE`.\n');
    const fromVariable = await runCj(['status'], { url: api.url, env: 'prod' });
    expect(fromVariable.code).toBe(0);
    expect(api.requests.at(-1)?.url).toBe('/v1/envs/prod/status');
  });

  it('sends the token as Bearer only when one is set', async () => {
    await runCj(['status'], { url: api.url, vars: { CJ_TOKEN: 's3cret' } });
    expect(api.requests.at(-1)?.headers.authorization).toBe('Bearer s3cret');
    await runCj(['--token', 'other', 'status'], { url: api.url });
    expect(api.requests.at(-1)?.headers.authorization).toBe('Bearer other');
    await runCj(['status'], { url: api.url });
    expect(api.requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('colours on a terminal, never with NO_COLOR, and never when piped', async () => {
    const onTerminal = await runCj(['status'], { url: api.url, tty: true });
    expect(onTerminal.code).toBe(0);
    expect(onTerminal.stdout).toContain('\x1b[32mhealthy\x1b[39m');
    const noColor = await runCj(['status'], { url: api.url, tty: true, vars: { NO_COLOR: '1' } });
    expect(noColor.stdout).toContain('healthy');
    expect(noColor.stdout).not.toContain('\x1b[');
    const piped = await runCj(['status'], { url: api.url });
    expect(piped.stdout).not.toContain('\x1b[');

    expect((await runCj(['--env', 'debugging', 'status'], { url: api.url, tty: true })).stdout).toContain(
      "\x1b[33mNot cj's",
    );
    const unexpectedNoColor = await runCj(['--env', 'debugging', 'status'], {
      url: api.url,
      tty: true,
      vars: { NO_COLOR: '1' },
    });
    expect(unexpectedNoColor.stdout).toContain("Not cj's");
    expect(unexpectedNoColor.stdout).not.toContain('\x1b[');
    expect((await runCj(['--env', 'debugging', 'status'], { url: api.url })).stdout).not.toContain('\x1b[');
  });
});
