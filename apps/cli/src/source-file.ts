import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LIMITS, type SourceFile } from '@cj/api';
import { UsageError } from './errors';

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
    if (stat.isFile() && stat.size > LIMITS.jobsFileBytes) throw tooLarge(path, stat.size);
    const buffer = Buffer.alloc(Math.min(stat.isFile() ? stat.size : LIMITS.jobsFileBytes, LIMITS.jobsFileBytes) + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read)
      read = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > LIMITS.jobsFileBytes) throw tooLarge(path, undefined);
    return { file: path, text: buffer.subarray(0, length).toString('utf8') };
  } catch (error) {
    throw error instanceof UsageError ? error : unreadable(path, error);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string, size: number | undefined): UsageError {
  return new UsageError(
    `${path} is ${size === undefined ? 'larger than' : `${size} bytes, more than`} ${LIMITS.jobsFileBytes} bytes (the jobs file size limit); it was not read`,
    'split the environment into several files',
  );
}

function unreadable(path: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
  return new UsageError(`cannot read ${path}: ${reason}`, 'pass the path of a jobs file (YAML or the seed text form)');
}
