import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The built `cj` (compile first: `npx tsc -p tsconfig.build.json`, or the cli's jest global setup). */
export const CJ_BIN = join(__dirname, '..', '..', 'bin', 'cj.js');

export interface RunCjOptions {
  /** Orchestrator URL (CJ_URL). */
  readonly url?: string;
  /** Environment (CJ_ENV). */
  readonly env?: string;
  /** Written to stdin, which is then closed. */
  readonly input?: string;
  /** Extra environment variables (NO_COLOR, CJ_TOKEN, …). */
  readonly vars?: Readonly<Record<string, string>>;
  /**
   * Run on a pseudo-terminal (util-linux `script`), as a person would: colour, prompts, redrawn
   * progress. stdout and stderr then arrive together in `stdout`, with `\r\n` turned into `\n`.
   */
  readonly tty?: boolean;
  readonly cwd?: string;
  /** Kills cj after this long (default 30 s) so a hanging command fails its test. */
  readonly timeoutMs?: number;
}

export interface CjResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `cj` as a real process and collects what it printed and its exit code. */
export function runCj(args: readonly string[], options: RunCjOptions = {}): Promise<CjResult> {
  const env: NodeJS.ProcessEnv = { ...withoutCjVariables(process.env), ...options.vars };
  if (options.url) env.CJ_URL = options.url;
  if (options.env) env.CJ_ENV = options.env;
  const [command, argv] = options.tty
    ? ['script', ['-qec', [process.execPath, CJ_BIN, ...args].map(shellQuote).join(' '), '/dev/null']]
    : [process.execPath, [CJ_BIN, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { env, cwd: options.cwd, stdio: 'pipe', timeout: options.timeoutMs ?? 30_000 });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const text = (chunks: Buffer[]) => {
        const s = Buffer.concat(chunks).toString('utf8');
        return options.tty ? s.replace(/\r\n/g, '\n') : s;
      };
      resolve({ code, stdout: text(stdout), stderr: text(stderr) });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The test's own CJ_* settings must not leak into the process under test. */
function withoutCjVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([key]) => !key.startsWith('CJ_') && key !== 'NO_COLOR' && key !== 'FORCE_COLOR'),
  );
}

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
