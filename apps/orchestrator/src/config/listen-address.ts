import { isIP } from 'node:net';
import { InvalidOptionError } from './invalid-option.error';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** Parses `127.0.0.1:7420`, `[::1]:7420` or `localhost:7420`. */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65_535) {
    throw new InvalidOptionError('--listen', text, 'HOST:PORT, e.g. 127.0.0.1:7420 or [::1]:7420');
  }
  return { host: match[1] ?? match[2], port };
}

/** True when only this machine can reach the address. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}
