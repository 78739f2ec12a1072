import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { LIMITS } from '@cj/domain';
import type { SourceFile } from '@cj/api';
import { UsageError } from './errors';

/**
 * The orchestrator's jobs-file size limit (`LIMITS.jobsFileBytes` of @cj/domain; the CLI may not
 * run domain code, so the type pins this copy to it: the build fails when they differ).
 */
export const JOBS_FILE_BYTES: (typeof LIMITS)['jobsFileBytes'] = 1024 * 1024;

/**
 * Reads a jobs (or hosts) file to send its text; the orchestrator parses and validates it. A file
 * past the size limit is refused before it is read (and a device or pipe is read no further than
 * the limit), so a huge file never fills memory.
 */
export function readSourceFile(path: string): SourceFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory())
      throw new UsageError(
        `cannot read ${path}: it is a directory`,
        'pass the path of a jobs file (YAML or the seed text form)',
      );
    if (stat.isFile() && stat.size > JOBS_FILE_BYTES) throw tooLarge(path, stat.size);
    const buffer = Buffer.alloc(Math.min(stat.isFile() ? stat.size : JOBS_FILE_BYTES, JOBS_FILE_BYTES) + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read)
      read = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > JOBS_FILE_BYTES) throw tooLarge(path, undefined);
    return { file: path, text: buffer.subarray(0, length).toString('utf8') };
  } catch (error) {
    throw error instanceof UsageError ? error : unreadable(path, error);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string, size: number | undefined): UsageError {
  return new UsageError(
    `${path} is ${size === undefined ? 'larger than' : `${size} bytes, more than`} ${JOBS_FILE_BYTES} bytes (the jobs file size limit); it was not read`,
    'split the environment into several files',
  );
}

function unreadable(path: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
  return new UsageError(`cannot read ${path}: ${reason}`, 'pass the path of a jobs file (YAML or the seed text form)');
}
