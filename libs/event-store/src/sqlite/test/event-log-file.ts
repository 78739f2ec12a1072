import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pause } from '../../testing';

/** SQLite's own verdict on a log file: 'ok' when every page and index is sound. */
export function integrityOf(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

export function fingerprint(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Mounts a tmpfs of the given size on `directory` (the tests run as root). */
export function mountTmpfs(directory: string, size: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', directory]);
}

export function remount(directory: string, mode: 'ro' | 'rw'): void {
  execFileSync('mount', ['-o', `remount,${mode}`, directory]);
}

export function unmount(directory: string): void {
  execFileSync('umount', [directory]);
}

/**
 * A separate node process running `append-loop.ts` (see there for the arguments), and the
 * appends it has acknowledged so far.
 */
export class WriterProcess {
  /** "<revision> <event id>" for each acknowledged append, in order. */
  readonly acknowledged: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcessWithoutNullStreams;
  private ready = false;
  private stderr = '';

  constructor(args: (string | number)[]) {
    this.child = spawn(
      process.execPath,
      ['-r', join(__dirname, 'run-typescript.cjs'), join(__dirname, 'append-loop.ts'), ...args.map(String)],
      { stdio: 'pipe' },
    );
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    let partial = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') this.ready = true;
        else this.acknowledged.push(line);
      }
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
  }

  /** Waits until the writer has opened the store. */
  async opened(): Promise<void> {
    await this.until('open the store', () => this.ready);
  }

  go(): void {
    this.child.stdin.write('go\n');
  }

  async until(what: string, condition: () => boolean): Promise<void> {
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (!condition()) {
      if (exited) throw new Error(`the writer exited before it could ${what}: ${this.stderr}`);
      await pause(10);
    }
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** The exit status and anything the writer printed on stderr. */
  async outcome(): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
    return { ...(await this.exited), stderr: this.stderr };
  }
}
