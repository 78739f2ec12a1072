import type { TaskSpec } from '@cj/api';

export interface Placement {
  /** Hosts in the order written: `[run_on_host]` or the job's `hosts`. */
  readonly hosts: readonly string[];
  /** Number of tasks; one per host when absent. */
  readonly replicas?: number;
  readonly port: number;
}

/**
 * Spreads a job's tasks over its hosts round-robin. With host networking one port on a host holds
 * one listener, so the n-th task (0-based) that lands on a host listens on `port + n`: 3 replicas on
 * hosts [a, b] at port 8080 give a:8080, b:8080, a:8081.
 */
export function placeTasks(placement: Placement): TaskSpec[] {
  const count = placement.replicas ?? placement.hosts.length;
  const onHost = new Map<string, number>();
  return Array.from({ length: count }, (_, index) => {
    const host = placement.hosts[index % placement.hosts.length];
    const slot = onHost.get(host) ?? 0;
    onHost.set(host, slot + 1);
    return { index, host, port: placement.port + slot };
  });
}
