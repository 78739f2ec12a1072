import { fixtures, RecordedApi, runCj } from '../testing';

describe('cj status', () => {
  let api: RecordedApi;

  beforeAll(async () => {
    api = await new RecordedApi()
      .on('GET', '/v1/envs/default/status', { json: fixtures.status })
      .on('GET', '/v1/envs/prod/status', { json: { env: 'prod', tasks: [] } })
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
    expect(header.split(/\s{2,}/)).toEqual(['JOB', 'TASK', 'HOST', 'PORT', 'CONTAINER', 'IMAGE', 'DIGEST', 'STATE', 'HEALTH', 'UPTIME', 'MEMORY', 'CPU', 'DESIRED']);
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
  });
});
