import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The project's tools/infra directory. */
export const INFRA_DIR = resolve(__dirname, '../../../../tools/infra');

/** Runs one of tools/infra's scripts; its stderr becomes the error message when it fails. */
export async function runInfraScript(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  try {
    const { stdout } = await run('bash', [resolve(INFRA_DIR, script), ...args], {
      env: { ...process.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`tools/infra/${script} ${args.join(' ')} failed: ${(e.stderr || e.message).trim()}`);
  }
}
