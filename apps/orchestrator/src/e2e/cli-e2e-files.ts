import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { DEMO_REGISTRY, type FakeHost } from '@cj/docker-adapter/testing';

const run = promisify(execFile);

export interface FileJob {
  readonly name: string;
  /** A tag of the registry's cj-demo image. */
  readonly tag: string;
  readonly hosts: readonly FakeHost[];
  readonly port: number;
  readonly envs?: Readonly<Record<string, string>>;
  readonly command?: readonly string[];
}

/** A YAML jobs file for `env`: the hosts it declares, and jobs of the demo image with an HTTP health check. */
export function jobsFile(env: string, hosts: readonly FakeHost[], jobs: readonly FileJob[]): string {
  return stringify({
    environment: env,
    registry: DEMO_REGISTRY,
    hosts: Object.fromEntries(hosts.map((host) => [host.name, { endpoint: host.endpoint, address: host.address }])),
    jobs: jobs.map((job) => ({
      name: job.name,
      image: `cj-demo:${job.tag}`,
      hosts: job.hosts.map((host) => host.name),
      port: job.port,
      health: { type: 'http', path: '/health', interval: '500ms', timeout: '1s', retries: 2 },
      ...(job.envs && { envs: job.envs }),
      ...(job.command && { command: job.command }),
    })),
  });
}

/** The talk's jobs file (the seed's text form), verbatim. */
export const TALK_JOBS = readFileSync(resolve(__dirname, '../../../../libs/domain/examples/talk.jobs'), 'utf8');

/** The talk's host names. */
export type TalkHost = 'mon' | 'core-app-2' | 'git-app-1';

/**
 * The companion of the talk's file: its text form names hosts without saying where they are, so
 * this maps each name onto a fake host and names the registry its images come from.
 */
export function talkHostsFile(env: string, hosts: Readonly<Record<TalkHost, FakeHost>>): string {
  return stringify({
    environment: env,
    registry: DEMO_REGISTRY,
    hosts: Object.fromEntries(
      Object.entries(hosts).map(([name, host]) => [name, { endpoint: host.endpoint, address: host.address }]),
    ),
  });
}

/** The talk's file with updatehook-listener moved off git-app-1:9999, which webhook-listener holds. */
export function talkJobsWithoutConflict(port: number): string {
  const updatehook = TALK_JOBS.indexOf('name: "updatehook-listener"');
  const head = TALK_JOBS.slice(0, updatehook);
  const tail = TALK_JOBS.slice(updatehook).replace('port: "9999"', `port: "${port}"`);
  return head + tail;
}

/** 1-based line and column of every occurrence of `text` in `source`. */
export function positionsOf(source: string, text: string): { line: number; column: number }[] {
  const found: { line: number; column: number }[] = [];
  source.split('\n').forEach((line, i) => {
    for (let at = line.indexOf(text); at !== -1; at = line.indexOf(text, at + 1))
      found.push({ line: i + 1, column: at + 1 });
  });
  return found;
}

/** The talk's images: the demo image pushed to the registry under each name the talk's file uses. */
export const TALK_IMAGES = [
  'coding-prober:latest',
  'coding-blog:59559fd',
  'webhook-listener:a5af2f2',
  'updatehook-listener:latest',
] as const;

export async function pushTalkImages(): Promise<void> {
  for (const image of TALK_IMAGES) {
    await run('docker', ['tag', 'cj-demo:v1', `${DEMO_REGISTRY}/${image}`]);
    await run('docker', ['push', `${DEMO_REGISTRY}/${image}`]);
  }
}
