import { createServer, request as httpRequest } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback';

export interface FaultProxyOptions {
  /** Base URL of the server to forward to (plain HTTP). */
  readonly target: string;
  /** Answer this many requests with `failStatus` before forwarding any. */
  readonly failFirst?: number;
  readonly failStatus?: number;
  readonly failHeaders?: Readonly<Record<string, string>>;
  /** Hold every forwarded request this long first (to provoke client timeouts). */
  readonly delayMs?: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly host: string;
  /** Every request received, as `METHOD /path?query`, failed ones included. */
  readonly requests: string[];
  /** The most requests that were being answered at one time. */
  peakConcurrency(): number;
  stop(): Promise<void>;
}

/** A loopback HTTP proxy in front of a registry that fails, delays and counts requests on purpose. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const requests: string[] = [];
  let toFail = options.failFirst ?? 0;
  let inFlight = 0;
  let peak = 0;

  const server = createServer((incoming, outgoing) => {
    requests.push(`${incoming.method} ${incoming.url}`);
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    outgoing.once('close', () => (inFlight -= 1));
    if (toFail > 0) {
      toFail -= 1;
      outgoing
        .writeHead(options.failStatus ?? 503, { 'content-type': 'text/plain', ...options.failHeaders })
        .end('injected failure');
      return;
    }
    const forward = () => {
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: target.host },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      incoming.pipe(upstream);
    };
    if (options.delayMs) setTimeout(forward, options.delayMs).unref();
    else forward();
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    peakConcurrency: () => peak,
    stop: () => closeServer(server),
  };
}
