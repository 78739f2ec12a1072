/** Asks a replica which version it runs: the demo image answers `GET /version` with its tag. */
import { request } from 'node:http';

/** The version `host:port` answers with, or undefined when nothing answers there (yet). */
export function readVersion(host: string, port: number, timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/version', timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(response.statusCode === 200 ? body.trim() : undefined));
      response.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
