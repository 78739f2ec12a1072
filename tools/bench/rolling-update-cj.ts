/**
 * cj doing the benchmark's update: the real orchestrator process, driven over its HTTP API as the
 * CLI would (apply the jobs file, up, rolling-update, poll the rollout), with the rollout's events
 * read back from its store for the per-phase timings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { isRolloutEventType, rolloutStreamId, upcastRolloutEvent, type RolloutEvent } from '@cj/domain';
import { isTerminalRolloutPhase, type RolloutView, type StatusResponse } from '@cj/api';
import { freePort } from '@cj/docker-adapter/testing';
import { openSqliteEventStore, type SqliteEventStore } from '@cj/event-store';
import { sleep } from './rolling-update-command';
import { REGISTRY, WORKSPACE, type FleetHost } from './rolling-update-fleet';
import { SCENARIO } from './rolling-update-options';
import { readVersion } from './rolling-update-versions';

const ENV = 'bench';
const JOB = 'web';
const FIRST_PORT = 18081;
const ACTOR = 'bench@rolling-update';

export interface CjRollout {
  readonly view: RolloutView;
  /** From the rolling-update request to the poller seeing a terminal phase. */
  readonly elapsedMs: number;
  readonly requestedAt: number;
  readonly observedAt: number;
  readonly events: readonly RolloutEvent[];
}

/** The orchestrator answered with an error, or did not answer as the API says. */
export class OrchestratorError extends Error {
  constructor(what: string, detail: string, log: string) {
    super(`cj orchestrator: ${what}: ${detail}${log ? `\n--- orchestrator log (last lines) ---\n${log}` : ''}`);
    this.name = 'OrchestratorError';
  }
}

/** The jobs file of the benchmark: one job, `replicas` tasks spread over the hosts. */
export function benchJobsFile(hosts: readonly FleetHost[]): string {
  const lines = [
    `environment: ${ENV}`,
    `registry: ${REGISTRY}`,
    'hosts:',
    ...hosts.map((h) => `  ${h.name}: { endpoint: "${h.endpoint}", address: ${h.address} }`),
    'jobs:',
    `  ${JOB}:`,
    `    image: cj-demo:${SCENARIO.fromTag}`,
    `    hosts: [${hosts.map((h) => h.name).join(', ')}]`,
    `    replicas: ${SCENARIO.replicas}`,
    `    port: ${FIRST_PORT}`,
    // The image's own HEALTHCHECK (what Swarm gates on) probes /health every second.
    '    health: { type: http, path: /health, interval: 1s }',
    '    update:',
    `      order: ${SCENARIO.order}`,
    `      min_healthy_time: ${SCENARIO.minHealthyTimeMs}ms`,
    '      failure_action: rollback',
  ];
  return `${lines.join('\n')}\n`;
}

export class CjOrchestrator {
  private store?: SqliteEventStore;

  private constructor(
    private readonly url: string,
    private readonly dir: string,
    private readonly child: ChildProcess,
    private readonly output: { text: string },
    private readonly hosts: readonly FleetHost[],
  ) {}

  /** Starts the orchestrator built in `workspace` (this one by default) on a fresh store and a free loopback port. */
  static async start(hosts: readonly FleetHost[], workspace = WORKSPACE): Promise<CjOrchestrator> {
    const dir = mkdtempSync(join(tmpdir(), 'cj-bench-'));
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        join(workspace, 'apps/orchestrator/bin/cj-orchestrator.js'),
        '--store',
        join(dir, 'cj.db'),
        '--listen',
        `127.0.0.1:${port}`,
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = { text: '' };
    const keep = (chunk: Buffer) => (output.text = (output.text + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const orchestrator = new CjOrchestrator(`http://127.0.0.1:${port}`, dir, child, output, hosts);
    await orchestrator.waitUntilReady();
    return orchestrator;
  }

  /** Applies the jobs file and starts the job's tasks on v1. */
  async deploy(): Promise<void> {
    await this.post(`/v1/envs/${ENV}/apply`, { jobs: { file: 'bench.yaml', text: benchJobsFile(this.hosts) } });
    await this.post(`/v1/envs/${ENV}/jobs/${JOB}/up`, {});
    await this.waitForVersions(SCENARIO.fromTag, 60_000);
  }

  /** Brings every task back to `tag` (v1 by default; a fast, all-at-once rollout) unless they all run it already. */
  async reset(tag: string = SCENARIO.fromTag): Promise<void> {
    if ((await this.versions()).every((v) => v === tag)) return;
    const rollout = await this.rollingUpdate(tag, SCENARIO.replicas);
    if (rollout.view.phase !== 'succeeded')
      throw new OrchestratorError(
        `resetting to ${tag}`,
        `the rollout ended ${rollout.view.phase}: ${rollout.view.reason ?? ''}`,
        '',
      );
    await this.waitForVersions(tag, 120_000);
  }

  /** Where each task answers, in task order: what the downtime prober asks. */
  async targets(): Promise<{ host: string; port: number }[]> {
    const status = await this.get<StatusResponse>(`/v1/envs/${ENV}/status?job=${JOB}`);
    const address = new Map(this.hosts.map((h) => [h.name, h.address]));
    return [...status.tasks]
      .sort((a, b) => a.task - b.task)
      .map((t) => ({ host: address.get(t.host) ?? t.host, port: t.port }));
  }

  /** Rolls the job to `tag`, batch size `maxParallel`, and waits for the rollout to end. */
  async rollingUpdate(tag: string, maxParallel: number): Promise<CjRollout> {
    const requestedAt = Date.now();
    const started = await this.post<RolloutView>(`/v1/envs/${ENV}/jobs/${JOB}/rolling-update`, {
      tag,
      maxParallel,
      order: SCENARIO.order,
      minHealthyTime: SCENARIO.minHealthyTimeMs,
      failureAction: 'rollback',
    });
    const deadline = requestedAt + 300_000;
    for (;;) {
      const view = await this.get<RolloutView>(`/v1/envs/${ENV}/rollouts/${encodeURIComponent(started.id)}`);
      if (isTerminalRolloutPhase(view.phase) || view.phase === 'paused') {
        const observedAt = Date.now();
        return {
          view,
          requestedAt,
          observedAt,
          elapsedMs: observedAt - requestedAt,
          events: await this.rolloutEvents(started.id),
        };
      }
      if (Date.now() > deadline)
        throw new OrchestratorError(`rollout ${started.id} to ${tag}`, 'did not end within 300 s', this.logTail());
      await sleep(SCENARIO.pollMs);
    }
  }

  /** The version each task answers with, in task order. */
  async versions(): Promise<(string | undefined)[]> {
    const status = await this.get<StatusResponse>(`/v1/envs/${ENV}/status?job=${JOB}`);
    const address = new Map(this.hosts.map((h) => [h.name, h.address]));
    const tasks = [...status.tasks].sort((a, b) => a.task - b.task);
    return Promise.all(tasks.map((t) => readVersion(address.get(t.host) ?? t.host, t.port)));
  }

  async waitForVersions(tag: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const versions = await this.versions();
      if (versions.length === SCENARIO.replicas && versions.every((v) => v === tag)) return;
      if (Date.now() > deadline)
        throw new OrchestratorError(
          `waiting for every task to run ${tag}`,
          `they answer ${JSON.stringify(versions)}`,
          '',
        );
      await sleep(SCENARIO.pollMs);
    }
  }

  /** Stops the orchestrator and removes its store. */
  async stop(): Promise<void> {
    await this.store?.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await new Promise<void>((resolve) => {
        this.child.once('exit', () => resolve());
        this.child.kill('SIGTERM');
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The rollout's own stream, read from the store file the orchestrator writes (SQLite allows several processes). */
  private async rolloutEvents(id: string): Promise<RolloutEvent[]> {
    this.store ??= openSqliteEventStore(join(this.dir, 'cj.db'));
    const recorded = await this.store.readStream(rolloutStreamId(ENV, id));
    return recorded.filter((r) => isRolloutEventType(r.type)).map(upcastRolloutEvent);
  }

  private post<T>(path: string, body: object): Promise<T> {
    return this.request<T>('POST', path, { ...body, actor: ACTOR, commandId: randomUUID() });
  }

  private get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  private async request<T>(method: string, path: string, body?: object): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new OrchestratorError(`${method} ${path}`, `${response.status} ${text}`, this.logTail());
    return JSON.parse(text) as T;
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null)
        throw new OrchestratorError('starting', `exited with ${this.child.exitCode}`, this.logTail());
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new OrchestratorError('starting', 'not ready within 30 s', this.logTail());
  }

  private logTail(): string {
    return this.output.text.split('\n').slice(-15).join('\n');
  }
}
