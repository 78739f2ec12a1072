import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { runCj } from './testing';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('cj usage', () => {
  it('prints help and exits 0', async () => {
    const result = await runCj(['--help']);
    expect(result.code).toBe(0);
    for (const command of [
      'apply',
      'diff',
      'up',
      'down',
      'status',
      'update',
      'rolling-update',
      'rollback',
      'rollout',
      'history',
      'hosts',
      'logs',
      'audit',
      'timeline',
      'replicate',
      'compare',
      'export',
      'import',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('prints the version and exits 0', async () => {
    const result = await runCj(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    [['stauts'], /^cj: unknown command 'stauts'/, /Did you mean status\?/],
    [['up'], /^cj: missing required argument 'job'/, /hint: see `cj up --help`/],
    [
      ['rolling-update', 'web', '--max-parallel', 'two'],
      /^cj: option '--max-parallel <n>' argument 'two' is invalid/,
      /whole number/,
    ],
    [
      ['rolling-update', 'web', '--order', 'sideways'],
      /^cj: option '--order <order>' argument 'sideways' is invalid/,
      /stop-first, start-first/,
    ],
    [['audit', '--since', 'yesterday'], /^cj: option '--since <time>' argument 'yesterday' is invalid/, /ISO time/],
    [
      ['replicate', '--to', 'staging', '--map-host', 'git-app-1'],
      /^cj: option '--map-host <old=new\[=endpoint\[=address\]\]>' argument 'git-app-1' is invalid/,
      /OLD_HOST=NEW_HOST=ENDPOINT=ADDRESS/,
    ],
    [
      ['replicate', '--to', 'staging', '--map-host', 'a=b=http://x'],
      /^cj: option .* argument 'a=b=http:\/\/x' is invalid\. endpoint http:\/\/x of host b \(for a\) is not a Docker endpoint: write it as unix:\/\/\/path, tcp:\/\/host:port or ssh:\/\/\[user@\]host\[:port\]\./,
      /cj replicate --help/,
    ],
    [
      ['import', 'prod.ndjson', '--map-host', 'h1=h2=tcp://10.0.0.2:2376=10.0.0.2=x'],
      /^cj: option '--map-host <old=new\[=endpoint\[=address\]\]>' argument .* is invalid/,
      /OLD_HOST=NEW_HOST=ENDPOINT=ADDRESS/,
    ],
    [
      ['import', 'prod.ndjson', '--map-host', 'h1=h2=10.0.0.2'],
      /^cj: option '--map-host .* is invalid/,
      /is not a Docker endpoint: write it as unix:\/\/\/path, tcp:\/\/host:port or ssh:\/\//,
    ],
    [['export', '--as-of', 'yesterday'], /^cj: option '--as-of <time>' argument 'yesterday' is invalid/, /ISO time/],
    [
      ['--url', 'localhost:7420', 'status'],
      /^cj: option '--url <url>' argument 'localhost:7420' is invalid/,
      /http\(s\) URL/,
    ],
    [['status', '--bogus'], /^cj: unknown option '--bogus'/, /hint: see `cj status --help`/],
  ])('rejects %j with exit 2 and a hint', async (args, what, hint) => {
    const result = await runCj(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(what);
    expect(result.stderr).toMatch(hint);
  });

  it('reports a jobs file it cannot read with exit 2, before calling the orchestrator', async () => {
    const result = await runCj(['apply', 'no-such-jobs.yaml'], { url: `http://127.0.0.1:${await closedPort()}` });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^cj: cannot read no-such-jobs.yaml: no such file\n {2}hint: /);
  });

  describe('cj import refuses a file that is not whole, before calling the orchestrator', () => {
    let dir: string;
    const lines = [
      '{"kind":"header","format":"cj-portable-log","version":1,"env":"prod","exportedAt":"2026-06-01T12:00:00.000Z","asOf":null,"lastPosition":"0"}',
      '{"kind":"event","stream":"cj.prod.job.web","revision":"0"}',
    ];
    const trailer = (events: number, text = lines) =>
      `{"kind":"trailer","events":${events},"sha256":"${createHash('sha256')
        .update(text.map((line) => `${line}\n`).join(''))
        .digest('hex')}"}`;
    const importing = async (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return runCj(['import', join(dir, name), '--map-host', 'h1=h2'], {
        url: `http://127.0.0.1:${await closedPort()}`,
      });
    };
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cj-import-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each([
      ['cut short', () => lines.join('\n'), ':3: the trailer is missing'],
      [
        'altered',
        () => [lines[0], lines[1].replace('web', 'api'), trailer(1)].join('\n'),
        ':3: the checksum does not match the lines before it',
      ],
      ['counted wrong', () => [...lines, trailer(2)].join('\n'), ':3: the trailer counts 2 events, the file holds 1'],
    ])('a file %s: exit 2 naming its line', async (_, text, problem) => {
      const result = await importing('prod.ndjson', text());
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`prod.ndjson${problem}`);
      expect(result.stderr).toContain('nothing was recorded');
    });

    it('a whole file goes on to the orchestrator', async () => {
      const result = await importing('whole.ndjson', [...lines, trailer(1)].join('\n'));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/the orchestrator is not reachable/);
    });
  });

  it('says the orchestrator is not reachable, where, and how to start it', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await runCj(['status'], { url });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `cj: the orchestrator is not reachable at ${url} (connection refused)\n` +
        '  hint: start it with `cj-orchestrator` (it listens on 127.0.0.1:7420 by default), or point cj at it with --url or CJ_URL\n',
    );
  });
});
