/**
 * Downtime measured from outside: a prober asks every task's port for `/health` every 50 ms while
 * an update runs and adds up, per task, the time it did not answer (from the first unanswered probe
 * to the next answered one). Neither system's own view enters it.
 */
import { request } from 'node:http';
import { sleep } from './rolling-update-command';

export const PROBE_INTERVAL_MS = 50;
const PROBE_TIMEOUT_MS = 250;

/** A span during which a target did not answer: from the first unanswered probe to the next answered one (epoch ms). */
export interface DownWindow {
  readonly from: number;
  readonly to: number;
}

export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
}

function answers(target: ProbeTarget): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: target.host, port: target.port, path: '/health', timeout: PROBE_TIMEOUT_MS, agent: false },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode === 200));
        response.on('error', () => resolve(false));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export class DowntimeProber {
  private running = true;
  private readonly loops: Promise<number>[];
  /** Per target, in the targets' order, the spans it was down. */
  readonly windows: DownWindow[][] = [];

  private constructor(targets: readonly ProbeTarget[]) {
    this.loops = targets.map((t, i) => this.watch(t, (this.windows[i] = [])));
  }

  /** Starts probing every target at once. */
  static start(targets: readonly ProbeTarget[]): DowntimeProber {
    return new DowntimeProber(targets);
  }

  /** Stops probing; resolves with each target's downtime in milliseconds, in the targets' order. */
  async stop(): Promise<number[]> {
    this.running = false;
    return Promise.all(this.loops);
  }

  private async watch(target: ProbeTarget, windows: DownWindow[]): Promise<number> {
    let down = 0;
    let downSince: number | undefined;
    while (this.running) {
      const at = Date.now();
      const ok = await answers(target);
      if (!ok && downSince === undefined) downSince = at;
      if (ok && downSince !== undefined) {
        down += at - downSince;
        windows.push({ from: downSince, to: at });
        downSince = undefined;
      }
      await sleep(Math.max(0, PROBE_INTERVAL_MS - (Date.now() - at)));
    }
    if (downSince === undefined) return down;
    const end = Date.now();
    windows.push({ from: downSince, to: end });
    return down + (end - downSince);
  }
}
