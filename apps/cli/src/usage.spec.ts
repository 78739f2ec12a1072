import { createServer } from 'node:net';
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
    for (const command of ['apply', 'diff', 'up', 'down', 'status', 'update', 'rolling-update', 'rollback', 'rollout', 'history', 'hosts', 'logs', 'audit', 'timeline', 'replicate', 'compare']) {
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
    [['rolling-update', 'web', '--max-parallel', 'two'], /^cj: option '--max-parallel <n>' argument 'two' is invalid/, /whole number/],
    [['rolling-update', 'web', '--order', 'sideways'], /^cj: option '--order <order>' argument 'sideways' is invalid/, /stop-first, start-first/],
    [['audit', '--since', 'yesterday'], /^cj: option '--since <time>' argument 'yesterday' is invalid/, /ISO time/],
    [['replicate', '--to', 'staging', '--map-host', 'git-app-1'], /^cj: option '--map-host <old=new\[=endpoint\[=address\]\]>' argument 'git-app-1' is invalid/, /OLD_HOST=NEW_HOST=ENDPOINT=ADDRESS/],
    [['replicate', '--to', 'staging', '--map-host', 'a=b=http://x'], /^cj: option .* argument 'a=b=http:\/\/x' is invalid\. endpoint http:\/\/x of b must start with unix:\/\/, tcp:\/\/ or ssh:\/\//, /cj replicate --help/],
    [['--url', 'localhost:7420', 'status'], /^cj: option '--url <url>' argument 'localhost:7420' is invalid/, /http\(s\) URL/],
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
