import type { HostSpec } from '@cj/api';

export interface DemoJob {
  readonly name: string;
  readonly tag: string;
  readonly hosts: readonly string[];
  readonly port: number;
  readonly envs?: Readonly<Record<string, string>>;
  /** `report` for a job whose dead tasks the test wants left dead (the default restarts them). */
  readonly reconcile?: 'report';
}

/** A YAML jobs file for `env` with the given hosts and demo-image jobs (registry 127.77.0.1:5000). */
export function demoJobsFile(env: string, hosts: readonly HostSpec[], jobs: readonly DemoJob[]): string {
  const lines = [`environment: ${env}`, 'registry: 127.77.0.1:5000', 'hosts:'];
  for (const host of hosts) lines.push(`  ${host.name}: { endpoint: "${host.endpoint}", address: ${host.address} }`);
  lines.push('defaults:', '  restart: "no"', 'jobs:');
  for (const job of jobs) {
    lines.push(
      `  - name: ${job.name}`,
      `    image: cj-demo:${job.tag}`,
      `    hosts: [${job.hosts.join(', ')}]`,
      `    port: ${job.port}`,
    );
    lines.push('    health: { type: http, path: /health, interval: 500ms, timeout: 1s, retries: 2 }');
    if (job.reconcile) lines.push(`    reconcile: ${job.reconcile}`);
    const envs = Object.entries(job.envs ?? {});
    if (envs.length > 0) {
      lines.push('    envs:');
      for (const [key, value] of envs) lines.push(`      ${key}: "${value}"`);
    }
  }
  return `${lines.join('\n')}\n`;
}
