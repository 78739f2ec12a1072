import Docker from 'dockerode';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '@cj/event-store';
import { ensureDemoImages, startFakeHosts, type FakeHost, type FakeHosts } from '@cj/docker-adapter/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- end-to-end tests drive both apps: the real cj against the real orchestrator
import { runCj, type CjResult, type RunCjOptions } from '../../../cli/src/testing';
import { OrchestratorProcess } from '../testing';

/** A container of cj's on a fake host, as its engine lists it. */
export type HostContainer = Docker.ContainerInfo;

/**
 * What the CLI end-to-end tests share: one orchestrator process on a temp store, fake Docker hosts,
 * a temp directory for jobs files, and the built `cj` pointed at the orchestrator.
 */
export class CliWorld {
  private constructor(
    readonly orchestrator: OrchestratorProcess,
    private readonly fake: FakeHosts,
    readonly dir: string,
  ) {}

  static async start(hostCount: number): Promise<CliWorld> {
    await ensureDemoImages();
    const fake = await startFakeHosts(hostCount);
    try {
      const orchestrator = await OrchestratorProcess.start({ observeInterval: '300ms' });
      return new CliWorld(orchestrator, fake, mkdtempSync(join(tmpdir(), 'cj-cli-e2e-')));
    } catch (error) {
      await fake.stop();
      throw error;
    }
  }

  get hosts(): readonly FakeHost[] {
    return this.fake.hosts;
  }

  get url(): string {
    return this.orchestrator.url;
  }

  /** Runs `cj` against this orchestrator in `env`, from the temp directory, without colour. */
  cj(env: string, args: readonly string[], options: RunCjOptions = {}): Promise<CjResult> {
    return runCj(args, { url: this.url, env, cwd: this.dir, ...options, vars: { NO_COLOR: '1', ...options.vars } });
  }

  /**
   * Writes a file into the temp directory, where cj runs: the name is both the path to give cj and
   * the one its messages show.
   */
  file(name: string, text: string): string {
    writeFileSync(join(this.dir, name), text);
    return name;
  }

  docker(host: FakeHost): Docker {
    return new Docker({ socketPath: host.socketPath });
  }

  /** cj's containers of `env` (and `job`) on a host, running or not. */
  containers(host: FakeHost, env: string, job?: string): Promise<HostContainer[]> {
    const label = [`cj.env=${env}`, ...(job ? [`cj.job=${job}`] : [])];
    return this.docker(host).listContainers({ all: true, filters: { label } });
  }

  /**
   * Events of `env` recorded on someone's request, read straight from the store file (a second
   * reader is fine). The observation loop's own events (actor `orchestrator`) may come at any time.
   */
  async requestedEvents(env: string): Promise<number> {
    const store = openSqliteEventStore(this.orchestrator.store);
    try {
      const events = await store.readAll({ filter: { streamPrefixes: [`cj.${env}.`] } });
      return events.filter((event) => (event.metadata as { actor?: string }).actor !== 'orchestrator').length;
    } finally {
      await store.close();
    }
  }

  async stop(): Promise<void> {
    try {
      await this.orchestrator.stop();
    } finally {
      await this.fake.stop();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
