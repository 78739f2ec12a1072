import type { LoggerService, LogLevel } from '@nestjs/common';

/**
 * Structured logs: one JSON object per line on stderr, so a supervisor or a log shipper
 * can parse them. A message that is an object is merged into the line.
 */
export class JsonLogger implements LoggerService {
  constructor(private readonly write: (line: string) => void = (line) => process.stderr.write(line)) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('verbose', message, rest);
  }

  private emit(level: LogLevel | 'info', message: unknown, rest: unknown[]): void {
    // Nest passes the context (logger name) as the last string argument.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const fields =
      typeof message === 'object' && message !== null ? (message as Record<string, unknown>) : { msg: String(message) };
    const extra = rest.length > 0 ? { detail: rest.map((item) => (item instanceof Error ? item.stack : item)) } : {};
    this.write(`${JSON.stringify({ time: new Date().toISOString(), level, context, ...fields, ...extra })}\n`);
  }
}
