import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CommanderError } from 'commander';
import { ExitCode } from './errors';
import { program } from './program';

/** Commander's codes for help and version, which are not errors. */
const NOT_ERRORS = new Set(['commander.helpDisplayed', 'commander.version']);

async function main(argv: readonly string[]): Promise<void> {
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
