import { randomUUID } from 'node:crypto';
import type { StatusResponse } from '@cj/api';
import { ensureDemoImages, startFakeHosts, type FakeHost, type FakeHosts } from '@cj/docker-adapter/testing';
import { demoJobsFile, OrchestratorProcess, waitUntil, type HttpAnswer } from '../testing';

export interface WebWorldTokens {
  readonly operator: string;
  readonly reader: string;
}

export interface WebWorldOptions {
  readonly env: string;
  readonly hostCount: number;
  /** The port of job `web` on every host. */
  readonly port: number;
  /** The line each task of `web` prints first; it goes inside single quotes in sh, so no `'`. */
  readonly greeting: string;
  /** Start the orchestrator with an operator and a read-only token (CJ_TOKEN, CJ_READ_TOKEN). */
  readonly tokens?: WebWorldTokens;
  /** More orchestrator options (`--shell-idle-timeout 2s`, …). */
  readonly orchestratorArgs?: readonly string[];
}

/** The demo server, saying one line first: a followed log answers once it has a line to send. */
const loggingCommand = (greeting: string) =>
  `command: ["/bin/sh", "-c", "echo '${greeting}'; trap 'exit 0' TERM INT; httpd -f -p $PORT -h /www & wait"]`;

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * What the status page's tests look at: a real orchestrator with job `web` (demo image v1) applied
 * and up on every fake host, each task running. Operator requests carry the operator token, if any.
 */
export class WebWorld {
  private constructor(
    readonly env: string,
    readonly orchestrator: OrchestratorProcess,
    private readonly fake: FakeHosts,
    private readonly tokens: WebWorldTokens | undefined,
  ) {}

  static async start(options: WebWorldOptions): Promise<WebWorld> {
    if (options.greeting.includes("'"))
      throw new Error(`WebWorld: the greeting ${JSON.stringify(options.greeting)} must not contain a single quote`);
    await ensureDemoImages();
    const fake = await startFakeHosts(options.hostCount);
    let orchestrator: OrchestratorProcess | undefined;
    try {
      const env = options.tokens ? { CJ_TOKEN: options.tokens.operator, CJ_READ_TOKEN: options.tokens.reader } : {};
      orchestrator = await OrchestratorProcess.start({
        observeInterval: '300ms',
        env,
        extraArgs: options.orchestratorArgs,
      });
      const world = new WebWorld(options.env, orchestrator, fake, options.tokens);
      await world.upJob(options);
      return world;
    } catch (error) {
      await orchestrator?.stop();
      await fake.stop();
      throw error;
    }
  }

  get url(): string {
    return this.orchestrator.url;
  }

  get hosts(): readonly FakeHost[] {
    return this.fake.hosts;
  }

  /** A request under the operator token (when the orchestrator has one); bodies get an actor and a fresh command id. */
  operate<T = unknown>(method: 'GET' | 'POST', path: string, body?: object): Promise<HttpAnswer<T>> {
    const change = body === undefined ? undefined : { actor: 'tester@web', commandId: randomUUID(), ...body };
    return this.orchestrator.request<T>(method, path, change, this.tokens ? bearer(this.tokens.operator) : {});
  }

  /** Takes job `web` down (its containers live in the fake hosts' engines) and stops everything. */
  async stop(): Promise<void> {
    await this.operate('POST', `/v1/envs/${this.env}/jobs/web/down`, {});
    await this.orchestrator.stop();
    await this.fake.stop();
  }

  private async upJob(options: WebWorldOptions): Promise<void> {
    const hosts = this.fake.hosts;
    const job = { name: 'web', tag: 'v1', hosts: hosts.map((host) => host.name), port: options.port };
    const text =
      demoJobsFile(
        this.env,
        hosts.map((host) => host.spec),
        [job],
      ) + `    ${loggingCommand(options.greeting)}\n`;
    expectOk(await this.operate('POST', `/v1/envs/${this.env}/apply`, { jobs: { file: 'jobs.yaml', text } }));
    expectOk(await this.operate('POST', `/v1/envs/${this.env}/jobs/web/up`, {}));
    const status = await waitUntil(
      () => this.operate<StatusResponse>('GET', `/v1/envs/${this.env}/status`),
      (answer) => answer.body.tasks.every((task) => task.observed?.state === 'running'),
    );
    const states = status.body.tasks.map((task) => task.observed?.state);
    if (states.some((state) => state !== 'running'))
      throw new Error(`job web did not come up: task states ${JSON.stringify(states)}`);
  }
}

function expectOk(answer: HttpAnswer): void {
  if (answer.status !== 200) throw new Error(`the orchestrator answered ${answer.status}: ${answer.text}`);
}
