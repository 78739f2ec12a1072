import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@cj/docker-adapter/testing';

const WORKSPACE = resolve(__dirname, '../../../..');
/** The package bin; it runs the build in dist/. */
export const ORCHESTRATOR_BIN = join(WORKSPACE, 'apps/orchestrator/bin/cj-orchestrator.js');
const BUILT_MAIN = join(WORKSPACE, 'dist/apps/orchestrator/src/main.js');

export interface OrchestratorProcessOptions {
  /** `--store`: a SQLite file, or an `esdb://…` connection string. Defaults to a fresh SQLite file in a temp directory. */
  readonly store?: string;
  readonly readDb?: string;
  readonly observeInterval?: string;
  readonly extraArgs?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly readyTimeoutMs?: number;
}

export interface HttpAnswer<T = unknown> {
  readonly status: number;
  readonly contentType: string;
  readonly body: T;
  readonly text: string;
}

/**
 * The orchestrator as a real process (the built binary from dist/) on a temp store and a free
 * loopback port. Build first: `npx tsc -p tsconfig.build.json`.
 */
export class OrchestratorProcess {
  private constructor(
    readonly url: string,
    readonly dir: string,
    readonly store: string,
    readonly readDb: string,
    private readonly child: ChildProcess,
    private readonly output: { text: string },
    private readonly ownsDir: boolean,
  ) {}

  static async start(options: OrchestratorProcessOptions = {}): Promise<OrchestratorProcess> {
    if (!existsSync(BUILT_MAIN))
      throw new Error(`${BUILT_MAIN} is missing: build first with npx tsc -p tsconfig.build.json`);
    const dir = mkdtempSync(join(tmpdir(), 'cj-orchestrator-'));
    const store = options.store ?? join(dir, 'cj.db');
    const readDb = options.readDb ?? join(dir, 'cj.read.db');
    const port = await freePort();
    const args = [
      ORCHESTRATOR_BIN,
      '--store',
      store,
      '--read-db',
      readDb,
      '--listen',
      `127.0.0.1:${port}`,
      '--observe-interval',
      options.observeInterval ?? '500ms',
      ...(options.extraArgs ?? []),
    ];
    const child = spawn(process.execPath, args, {
      cwd: dir,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = { text: '' };
    child.stdout?.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
    const orchestrator = new OrchestratorProcess(`http://127.0.0.1:${port}`, dir, store, readDb, child, output, true);
    await orchestrator.waitUntilReady(options.readyTimeoutMs ?? 60_000);
    return orchestrator;
  }

  /** Everything the process wrote (structured JSON log lines). */
  get log(): string {
    return this.output.text;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpAnswer<T>> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    const parsed = contentType.includes('json') && text.length > 0 ? (JSON.parse(text) as T) : (text as T);
    return { status: response.status, contentType, body: parsed, text };
  }

  /** SIGTERM and wait for the exit code; the temp directory is removed unless `keepFiles`. */
  async stop(keepFiles = false): Promise<number | null> {
    const code = await this.signal('SIGTERM');
    if (!keepFiles && this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
    return code;
  }

  signal(signal: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolveExit) => {
      this.child.once('exit', (code) => resolveExit(code));
      this.child.kill(signal);
    });
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        throw new Error(`the orchestrator exited with ${this.child.exitCode}:\n${this.output.text}`);
      }
      try {
        const answer = await fetch(`${this.url}/healthz`);
        if (answer.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
    }
    // Not ready in time: the process is ours, so it is ours to end.
    await this.signal('SIGKILL');
    throw new Error(`the orchestrator was not ready within ${timeoutMs} ms:\n${this.output.text}`);
  }
}
