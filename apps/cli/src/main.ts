import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CommanderError } from 'commander';
import { ExitCode } from './errors';
import { program } from './program';

/** Commander's codes for help and version, which are not errors. */
const NOT_ERRORS = new Set(['commander.helpDisplayed', 'commander.version']);

/** `cj status | head`: once the reader is gone, stop quietly with the status a shell gives a SIGPIPE'd command (128 + 13), as git does. */
const CLOSED_PIPE_EXIT = 141;

function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(CLOSED_PIPE_EXIT);
  });
}

async function main(argv: readonly string[]): Promise<void> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  try {
    await program(version()).parseAsync([...argv]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = NOT_ERRORS.has(error.code) ? ExitCode.ok : ExitCode.usage;
  }
}

/** The workspace's version, from the nearest package.json above this file (source or build). */
function version(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

void main(process.argv);
