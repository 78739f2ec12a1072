import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');

// The README's install step, into a scratch prefix: `npm install -g .` puts both commands on the PATH.
describe('npm install -g of the checkout', () => {
  let prefix: string;

  beforeAll(() => {
    prefix = mkdtempSync(join(tmpdir(), 'cj-install-'));
  });
  afterAll(() => rmSync(prefix, { recursive: true, force: true }));

  it('puts cj and cj-orchestrator on the PATH, built and runnable from anywhere', async () => {
    await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '.'], { cwd: ROOT });
    const path = `${join(prefix, 'bin')}:${process.env.PATH}`;
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const cj = await run('cj', ['--version'], { cwd: tmpdir(), env: { ...process.env, PATH: path } });
    expect(cj.stdout.trim()).toBe(version);
    const orchestrator = await run('cj-orchestrator', ['--help'], {
      cwd: tmpdir(),
      env: { ...process.env, PATH: path },
    });
    expect(orchestrator.stdout).toMatch(/^Usage: cj-orchestrator/);
  }, 120_000);
});
