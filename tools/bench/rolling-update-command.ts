/** Runs the external programs the benchmark drives (docker, the infra scripts) without a shell. */
import { execFile } from 'node:child_process';

/** A program exited non-zero; carries what it printed on stderr, which says why. */
export class CommandFailedError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | string | undefined,
    readonly stderr: string,
  ) {
    super(`\`${command}\` failed (exit ${exitCode ?? 'unknown'}): ${stderr.trim() || 'no output'}`);
    this.name = 'CommandFailedError';
  }
}

/** Runs `program args…` and resolves with its trimmed stdout. */
export function run(program: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, [...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code ?? undefined;
        reject(new CommandFailedError([program, ...args].join(' '), code, stderr || error.message));
      } else {
        resolve(stdout.trim());
      }
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
