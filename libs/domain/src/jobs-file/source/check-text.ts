import { LIMITS } from '@cj/api';
import { issueAt, type JobsFileIssue } from '../issues';
import type { SourceLocation } from '../model';

/**
 * What a file must be before either reader sees it: at most `LIMITS.jobsFileBytes`, UTF-8 text
 * (a UTF-16 file, invalid UTF-8 decoded to U+FFFD, or a NUL byte would otherwise be read as
 * something else and recorded), so that a bad file is refused here, at the place it goes wrong.
 */
export function checkText(text: string, file: string): JobsFileIssue[] {
  const bytes = utf8Length(text);
  if (bytes > LIMITS.jobsFileBytes) {
    return [
      issueAt(
        { file, line: 1, column: 1 },
        '',
        `the file is ${bytes} bytes, more than ${LIMITS.jobsFileBytes} (the jobs file size limit)`,
        'split the environment into several files',
      ),
    ];
  }
  if (text.startsWith('\uFEFF') || /^(?:\0.|.\0)/s.test(text)) {
    return [
      issueAt(
        { file, line: 1, column: 1 },
        '',
        'the file is not UTF-8 (it looks like UTF-16, or starts with a byte-order mark)',
        'save it as UTF-8 without a BOM, e.g. iconv -f UTF-16 -t UTF-8',
      ),
    ];
  }
  const bad = /[\0\uFFFD]/.exec(text);
  if (bad) {
    const what = bad[0] === '\0' ? 'a NUL character' : 'bytes that are not UTF-8 (read as U+FFFD)';
    return [
      issueAt(
        locationOf(text, bad.index, file),
        '',
        `the file holds ${what}`,
        'save the file as UTF-8 text; write special characters as \\u escapes in a quoted string',
      ),
    ];
  }
  return [];
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function locationOf(text: string, offset: number, file: string): SourceLocation {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { file, line, column: offset - before.lastIndexOf('\n') };
}
