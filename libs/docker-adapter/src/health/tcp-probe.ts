import type { ProbeResult } from '@cj/domain';
import { connect } from 'node:net';

/** Healthy when a TCP connection to address:port opens within the timeout. */
export function probeTcp(address: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (result: ProbeResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () =>
      done({ healthy: false, detail: `tcp ${address}:${port}: no answer within ${timeoutMs} ms` }),
    );
    socket.once('connect', () => done({ healthy: true, detail: `tcp ${address}:${port}: connected` }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({ healthy: false, detail: `tcp ${address}:${port}: ${error.code ?? error.message}` }),
    );
  });
}
