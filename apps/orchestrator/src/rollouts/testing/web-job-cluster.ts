import type { StatusResponse } from '@cj/api';
import { ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the real `cj` binary is what an operator runs; its test runner is the CLI's test-only helper
import { runCj, type CjResult } from '../../../../cli/src/testing/cli';
import { OrchestratorProcess } from '../../testing';
import { rolloutJobsFile } from './rollout-jobs-file';

export interface WebJobClusterOptions {
  readonly env: string;
  /** Fake hosts to start. */
  readonly hosts: number;
  readonly replicas: number;
  readonly port: number;
  /** The job's update policy (`update:` entries), for every tag written. */
  readonly update: Readonly<Record<string, string | number>>;
  /** How long one `cj` command may take. */
  readonly cjTimeoutMs: number;
}

/**
 * What the rollout suites share: fake hosts, the built orchestrator and `cj`, and one job `web` of
 * the demo image spread over the hosts, applied and started at v1.
 */
export class WebJobCluster {
  private constructor(
    readonly fake: FakeHosts,
    readonly orchestrator: OrchestratorProcess,
    readonly jobsFile: string,
    private readonly options: WebJobClusterOptions,
  ) {}

  static async start(options: WebJobClusterOptions): Promise<WebJobCluster> {
    await ensureDemoImages();
    const fake = await startFakeHosts(options.hosts);
    const orchestrator = await OrchestratorProcess.start({ observeInterval: '500ms' }).catch(async (error: unknown) => {
      await fake.stop();
      throw error;
    });
    const cluster = new WebJobCluster(fake, orchestrator, join(orchestrator.dir, 'jobs.yaml'), options);
    try {
      cluster.writeJobs('v1');
      for (const args of [
        ['apply', cluster.jobsFile, '--yes'],
        ['up', 'web'],
      ]) {
        const run = await cluster.cj(...args);
        if (run.code !== 0) throw new Error(`cj ${args.join(' ')} failed: ${run.stderr}`);
      }
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  cj(...args: string[]): Promise<CjResult> {
    return runCj(args, { url: this.orchestrator.url, env: this.options.env, timeoutMs: this.options.cjTimeoutMs });
  }

  /** The jobs file with `web` at `tag`; `update` overrides entries of the policy. */
  writeJobs(tag: string, update: Readonly<Record<string, string | number>> = {}): void {
    const { env, replicas, port } = this.options;
    const hosts = this.fake.hosts.map((h) => h.name);
    writeFileSync(
      this.jobsFile,
      rolloutJobsFile(
        env,
        this.fake.hosts.map((h) => h.spec),
        [{ name: 'web', tag, hosts, replicas, port, update: { ...this.options.update, ...update } }],
      ),
    );
  }

  async status(): Promise<StatusResponse> {
    return JSON.parse((await this.cj('status', 'web', '--json')).stdout) as StatusResponse;
  }

  /** What each task answers on /version, in task order. */
  async served(): Promise<string[]> {
    const { tasks } = await this.status();
    return Promise.all(
      tasks.map(async (task) => {
        const address = this.fake.hosts.find((h) => h.name === task.host)?.address as string;
        const answer = await fetch(`http://${address}:${task.port}/version`).catch(() => undefined);
        return answer ? (await answer.text()).trim() : 'no answer';
      }),
    );
  }

  async stop(): Promise<void> {
    await this.orchestrator.stop();
    await this.fake.stop();
  }
}
