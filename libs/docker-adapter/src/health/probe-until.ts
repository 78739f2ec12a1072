import type { HealthProbe, ProbeResult, ProbeTarget } from '@cj/domain';
import type { HealthCheck } from '@cj/api';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProbeOutcome extends ProbeResult {
  /** Probes made, the last included. */
  readonly attempts: number;
}

/**
 * Probes until the task is healthy, giving up after `retries` further failures (so at most
 * retries + 1 probes, `interval` ms apart). Each probe is bounded by the check's own timeout.
 */
export async function probeUntil(
  probe: HealthProbe,
  check: HealthCheck,
  target: ProbeTarget,
  signal?: AbortSignal,
): Promise<ProbeOutcome> {
  if (check.type === 'none') return { ...(await probe.probe(check, target)), attempts: 1 };
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const result = await probe.probe(check, target);
    if (result.healthy || attempts > check.retries || signal?.aborted) return { ...result, attempts };
    try {
      await sleep(check.interval, undefined, { signal });
    } catch {
      return { ...result, attempts };
    }
  }
}
