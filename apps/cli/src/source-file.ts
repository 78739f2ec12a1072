import { readFileSync } from 'node:fs';
import type { SourceFile } from '@cj/domain';
import { UsageError } from './errors';

/** Reads a jobs (or hosts) file to send its text; the orchestrator parses and validates it. */
export function readSourceFile(path: string): SourceFile {
  try {
    return { file: path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new UsageError(`cannot read ${path}: ${reason}`, 'pass the path of a jobs file (YAML or the seed text form)');
  }
}
