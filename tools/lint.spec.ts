/**
 * Lint as CI sees it: ESLint (the design's import rules, the domain's purity) reports no error
 * anywhere, and every file is as Prettier writes it (`npm run format` fixes the second).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.join(__dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);
const env = { ...process.env, NX_DAEMON: 'false' };

async function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(bin(command), args, { cwd: root, env, maxBuffer: 64 << 20 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

beforeAll(async () => {
  // The boundary rule reads Nx's cached project graph; make sure it exists.
  await run('nx', ['show', 'projects']);
}, 120_000);

describe('lint', () => {
  it('finds no ESLint error in the workspace', async () => {
    const { code, output } = await run('eslint', ['--quiet', '.']);
    expect(output).toBe('');
    expect(code).toBe(0);
  }, 180_000);

  it('finds every file formatted by Prettier', async () => {
    const { code, output } = await run('prettier', ['--check', '--log-level', 'warn', '.']);
    expect(output).toBe('');
    expect(code).toBe(0);
  }, 120_000);
});
