import type { SourceLocation } from './model';

/** One thing wrong with a jobs file: where, what, and what to do about it. */
export interface JobsFileIssue extends SourceLocation {
  /** The value's name in the file, e.g. `jobs[2].port` or `hosts.mon.endpoint`. */
  readonly path: string;
  readonly message: string;
  readonly hint: string;
}

export function issueAt(loc: SourceLocation, path: string, message: string, hint: string): JobsFileIssue {
  return { file: loc.file, line: loc.line, column: loc.column, path, message, hint };
}

/** `file:line:col: path: message (hint)`, one line per issue, in file order. */
export function formatErrors(issues: readonly JobsFileIssue[]): string {
  return sortIssues(issues)
    .map((i) => `${i.file}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ''}${i.message} (${i.hint})`)
    .join('\n');
}

export function sortIssues(issues: readonly JobsFileIssue[]): JobsFileIssue[] {
  return [...issues].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.path.localeCompare(b.path),
  );
}

export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/** For callers that prefer to throw: carries every issue, and prints them all as its message. */
export class JobsFileError extends Error {
  override readonly name = 'JobsFileError';

  constructor(readonly issues: readonly JobsFileIssue[]) {
    super(`the jobs file has ${issues.length} error${issues.length === 1 ? '' : 's'}:\n${formatErrors(issues)}`);
  }
}
