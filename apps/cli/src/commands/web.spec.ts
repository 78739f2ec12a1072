import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedApi, runCj } from '../testing';
import { browserCommand } from './web';

const PAGE = '<!doctype html><html><head><title>cj</title></head><body></body></html>';

describe('cj web', () => {
  let api: RecordedApi;
  let unbuilt: RecordedApi;
  let dir: string;
  /** A "browser" that writes the URL it was asked to open to a file. */
  let browser: string;
  const opened = () => readFileSync(join(dir, 'opened'), 'utf8').trim();

  beforeAll(async () => {
    api = await new RecordedApi().on('GET', '/ui', { text: PAGE, contentType: 'text/html; charset=utf-8' }).start();
    unbuilt = await new RecordedApi()
      .on('GET', '/ui', {
        status: 503,
        text: 'The web console is not built: run `npx vite build --config apps/web/vite.config.mts`.\n',
      })
      .start();
    dir = mkdtempSync(join(tmpdir(), 'cj-web-'));
    browser = join(dir, 'browser');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" > ${join(dir, 'opened')}\n`);
    chmodSync(browser, 0o755);
  });
  afterAll(async () => {
    await api.stop();
    await unbuilt.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => rmSync(join(dir, 'opened'), { force: true }));

  it("prints the console's URL for the environment, after checking the orchestrator serves it", async () => {
    const result = await runCj(['web', '--env', 'prod'], { url: api.url });
    expect(result).toMatchObject({ code: 0, stdout: `${api.url}/ui?env=prod\n` });
    expect(result.stderr).toMatch(/sign in with an API token/);
    expect(api.requestsTo('GET', '/ui')).not.toHaveLength(0);
  });

  it('opens the URL in $BROWSER, and never puts the token in it', async () => {
    const result = await runCj(['web', '--token', 's3cret-token'], { url: api.url, vars: { BROWSER: browser } });
    expect(result.code).toBe(0);
    expect(opened()).toBe(`${api.url}/ui?env=default`);
    expect(result.stdout + opened()).not.toContain('s3cret-token');
  });

  it('--no-open only prints', async () => {
    const result = await runCj(['web', '--no-open'], { url: api.url, vars: { BROWSER: browser } });
    expect(result).toMatchObject({ code: 0, stdout: `${api.url}/ui?env=default\n` });
    expect(() => opened()).toThrow(/ENOENT/);
  });

  it('says so when the browser cannot be started, and still prints the URL', async () => {
    const result = await runCj(['web'], { url: api.url, vars: { BROWSER: join(dir, 'no-such-browser') } });
    expect(result).toMatchObject({ code: 0, stdout: `${api.url}/ui?env=default\n` });
    expect(result.stderr).toMatch(
      /could not start a browser \(.*no-such-browser: not found\); open the URL above yourself/,
    );
  });

  it('fails, saying why, when the orchestrator has no console built', async () => {
    const result = await runCj(['web'], { url: unbuilt.url });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/The web console is not built/);
  });

  it('fails where no orchestrator answers', async () => {
    const gone = await new RecordedApi().start();
    const url = gone.url;
    await gone.stop();
    const result = await runCj(['web'], { url });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/the orchestrator is not reachable at .*connection refused/);
  });

  describe('which browser', () => {
    it.each<[NodeJS.ProcessEnv, NodeJS.Platform, string | undefined]>([
      [{ BROWSER: 'firefox:chromium' }, 'linux', 'firefox'],
      [{ BROWSER: ':lynx' }, 'linux', 'lynx'],
      [{ DISPLAY: ':0' }, 'linux', 'xdg-open'],
      [{ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', 'xdg-open'],
      [{}, 'darwin', 'open'],
      [{}, 'linux', undefined],
    ])('%j on %s → %s', (env, platform, expected) => {
      expect(browserCommand(env, platform)).toBe(expected);
    });
  });
});
