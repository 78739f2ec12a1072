import type { HostSpec } from '@cj/api';

export interface RolloutJob {
  readonly name: string;
  readonly tag: string;
  readonly hosts: readonly string[];
  readonly replicas: number;
  readonly port: number;
  /** The job's `update:` section, as YAML flow-map entries (`max_parallel: 2`). */
  readonly update?: Readonly<Record<string, string | number>>;
  /** What cj does about a dead task (the default restarts it). */
  readonly reconcile?: 'restart' | 'report';
}

/**
 * A YAML jobs file for rollouts of the demo image (registry 127.77.0.1:5000): replicas spread over
 * the hosts, a quick HTTP health check, and an update policy tight enough for tests.
 */
export function rolloutJobsFile(
  env: string,
  hosts: readonly HostSpec[],
  jobs: readonly RolloutJob[],
  registry = '127.77.0.1:5000',
): string {
  const lines = [`environment: ${env}`, `registry: ${registry}`, 'hosts:'];
  for (const host of hosts) lines.push(`  ${host.name}: { endpoint: "${host.endpoint}", address: ${host.address} }`);
  lines.push('defaults:', '  restart: "no"', 'jobs:');
  for (const job of jobs) {
    const update = {
      max_parallel: 2,
      min_healthy_time: '500ms',
      healthy_deadline: '4s',
      keep_replaced: 1,
      ...job.update,
    };
    lines.push(
      `  - name: ${job.name}`,
      `    image: cj-demo:${job.tag}`,
      `    hosts: [${job.hosts.join(', ')}]`,
      `    replicas: ${job.replicas}`,
      `    port: ${job.port}`,
      '    health: { type: http, path: /health, interval: 250ms, timeout: 1s, retries: 1 }',
      `    update: { ${Object.entries(update)
        .map(([key, value]) => `${key}: ${value}`)
        .join(', ')} }`,
      ...(job.reconcile ? [`    reconcile: ${job.reconcile}`] : []),
    );
  }
  return `${lines.join('\n')}\n`;
}
