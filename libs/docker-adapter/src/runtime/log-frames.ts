import type { LogLine } from '@cj/domain';

/**
 * Docker multiplexes a non-TTY container's stdout and stderr into frames: an 8-byte header
 * (stream type, 3 zero bytes, big-endian length) and the payload. This parser keeps the order of
 * the two streams and yields whole lines, carrying partial frames and lines across chunks.
 */
export class LogFrameParser {
  private pending: Buffer = Buffer.alloc(0);
  private readonly partial = { stdout: '', stderr: '' };

  /** Feeds a chunk of the multiplexed stream; returns the lines it completes. */
  push(chunk: Buffer): LogLine[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const lines: LogLine[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const stream = this.pending[0] === 2 ? 'stderr' : 'stdout';
      const text = this.partial[stream] + this.pending.subarray(8, 8 + size).toString('utf8');
      this.pending = this.pending.subarray(8 + size);
      const parts = text.split('\n');
      this.partial[stream] = parts.pop() ?? '';
      for (const part of parts) lines.push({ stream, text: part });
    }
    return lines;
  }

  /** The unterminated last line of each stream, once the stream has ended. */
  end(): LogLine[] {
    const rest: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) rest.push({ stream, text: this.partial[stream] });
      this.partial[stream] = '';
    }
    return rest;
  }
}

export function parseLogFrames(buffer: Buffer): LogLine[] {
  const parser = new LogFrameParser();
  return [...parser.push(buffer), ...parser.end()];
}
