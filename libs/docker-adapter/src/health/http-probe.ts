import type { ProbeResult } from '@cj/domain';
import { request } from 'undici';

/** GET http://address:port/path; healthy when the status is the expected one. */
export async function probeHttp(
  address: string,
  port: number,
  path: string,
  expectStatus: number,
  timeoutMs: number,
): Promise<ProbeResult> {
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  try {
    const response = await request(url, {
      method: 'GET',
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    await response.body.dump();
    const healthy = response.statusCode === expectStatus;
    return { healthy, detail: `GET ${url}: HTTP ${response.statusCode}${healthy ? '' : `, expected ${expectStatus}`}` };
  } catch (error) {
    return { healthy: false, detail: `GET ${url}: ${describe(error, timeoutMs)}` };
  }
}

function describe(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || /timeout/i.test(e.code ?? ''))
    return `no answer within ${timeoutMs} ms`;
  return e.cause?.code ?? e.code ?? e.message ?? String(error);
}
