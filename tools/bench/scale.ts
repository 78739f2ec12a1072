/**
 * cj at scale: 20 fake hosts, one job of 200 tasks (10 per host), and the orchestrator measured
 * while it watches them: `GET status` latency under 20 concurrent clients (whole environment and
 * one job), detection latency (a `docker kill` to its ContainerExited on record), CPU and RSS while
 * idle, and a 200-task rollout at max_parallel 20 against its lower bound. With `--baseline DIR` (a
 * built checkout of another commit), the same measurements of that orchestrator are taken in the
 * same run, on the same hosts, containers and store.
 *
 *   npx tsc -p tsconfig.build.json
 *   node -r ./tools/runtime/register.cjs dist/tools/bench/scale.js [--baseline DIR] [--out FILE]
 *
 * The demo image's own HEALTHCHECK (an exec every second per container) would keep two cores
 * busy at 200 containers, so the run builds variants without it: cj-demo:quiet-v1 and quiet-v2
 * (`FROM cj-demo:vN` + `HEALTHCHECK NONE`). Hosts are numbered h231..h250.
 */
import Docker from 'dockerode';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isRolloutEventType, jobStream, rolloutStreamId, upcastRolloutEvent, type RolloutEvent } from '@cj/domain';
import { isTerminalRolloutPhase, type RolloutPhase, type RolloutView, type StatusResponse } from '@cj/api';
import { freePort } from '@cj/docker-adapter/testing';
import { openSqliteEventStore } from '@cj/event-store';
import { run, sleep } from './rolling-update-command';
import { rolloutPhases } from './rolling-update-phases';

const WORKSPACE = resolve(__dirname, '../../..');
const REGISTRY = '127.77.0.1:5000';
const FIRST_HOST = 231;
const HOSTS = 20;
const REPLICAS = 200;
const FIRST_PORT = 19100;
const ENV = 'scale';
const JOB = 'web';
const CLIENTS = 20;
const MIN_HEALTHY_MS = 1_000;

interface Host {
  readonly name: string;
  readonly socket: string;
  readonly address: string;
}

interface SideResult {
  readonly side: string;
  readonly statusEnv: Percentiles;
  readonly statusJob: Percentiles;
  readonly detectionMs: readonly number[];
  readonly idleCpuPercent: number;
  readonly idleRssMb: number;
}

interface Percentiles {
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const infra = (script: string, ...args: string[]) => run('bash', [join(WORKSPACE, 'tools/infra', script), ...args]);

async function main(): Promise<void> {
  const baseline = option('--baseline');
  const out = option('--out') ?? join(WORKSPACE, '.bench/scale.json');
  const dir = mkdtempSync(join(tmpdir(), 'cj-scale-'));
  const store = join(dir, 'cj.db');
  const fakeDir = process.env['CJ_FAKEHOSTS_DIR'] ?? '/tmp/cj-fakehosts';
  const hosts = Array.from({ length: HOSTS }, (_, k): Host => {
    const i = FIRST_HOST + k;
    return { name: `h${i}`, socket: `${fakeDir}/h${i}/docker.sock`, address: `127.77.${i}.2` };
  });
  const results: SideResult[] = [];
  const setupStarted = Date.now();
  try {
    await infra('engine.sh', 'up');
    await infra('images.sh');
    await infra('registry.sh', 'up');
    await quietImages();
    await infra('fakehosts.sh', 'up', String(HOSTS), '--first', String(FIRST_HOST));
    await Promise.all(
      hosts.map((h) =>
        Promise.all(
          ['quiet-v1', 'quiet-v2'].map((tag) =>
            run('docker', ['-H', `unix://${h.socket}`, 'pull', '-q', `${REGISTRY}/cj-demo:${tag}`]),
          ),
        ),
      ),
    );
    log(`hosts up with the images in ${seconds(Date.now() - setupStarted)}`);

    let cj = await Orchestrator.start('cj', WORKSPACE, store, join(dir, 'read-cj.db'));
    await cj.post(`/v1/envs/${ENV}/apply`, { jobs: { file: 'scale.yaml', text: jobsFile(hosts) } });
    await cj.post(`/v1/envs/${ENV}/jobs/${JOB}/up`, {});
    await cj.waitForRunning(REPLICAS, 600_000);
    const setupMs = Date.now() - setupStarted;
    log(`setup (hosts, images, ${REPLICAS} tasks running) in ${seconds(setupMs)}`);

    const killed = new Set<string>();
    results.push(await measure(cj, hosts, store, killed));
    await cj.stop();
    if (baseline) {
      // A copy of the log for the baseline: an older orchestrator writes events without the hash
      // chain, and this one refuses to start again on a log whose chains it cannot verify.
      const copy = join(dir, 'cj-baseline.db');
      copyStore(store, copy);
      const base = await Orchestrator.start('baseline', resolve(baseline), copy, join(dir, 'read-baseline.db'));
      await base.waitForRunning(REPLICAS - killed.size, 120_000);
      results.push(await measure(base, hosts, copy, killed));
      await base.stop();
    }

    cj = await Orchestrator.start('cj', WORKSPACE, store, join(dir, 'read-cj-2.db'));
    await cj.post(`/v1/envs/${ENV}/jobs/${JOB}/up`, {});
    await cj.waitForRunning(REPLICAS, 120_000);
    const rollout = await cj.rollingUpdate('quiet-v2', 20);
    await cj.stop();
    const phases = rolloutPhases(rollout.events, MIN_HEALTHY_MS, rollout.requestedAt, rollout.observedAt);
    const report = {
      setupMs,
      sides: results,
      rollout: {
        phase: rollout.phase,
        elapsedMs: rollout.elapsedMs,
        lowerBoundMs: phases.lowerBoundMs,
        ratio: rollout.elapsedMs / phases.lowerBoundMs,
      },
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    print(report);
  } finally {
    await Promise.all(Orchestrator.started.map((o) => o.stop()));
    await infra('fakehosts.sh', 'down', String(HOSTS), '--first', String(FIRST_HOST)).catch((error: unknown) =>
      log(String(error)),
    );
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A stopped orchestrator's store, copied with its write-ahead log (nothing has it open). */
function copyStore(from: string, to: string): void {
  for (const suffix of ['', '-wal']) if (existsSync(from + suffix)) copyFileSync(from + suffix, to + suffix);
}

/** The demo images without their HEALTHCHECK, pushed to the registry the hosts pull from. */
async function quietImages(): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), 'cj-quiet-'));
  try {
    for (const tag of ['v1', 'v2']) {
      writeFileSync(join(context, 'Dockerfile'), `FROM ${REGISTRY}/cj-demo:${tag}\nHEALTHCHECK NONE\n`);
      await run('env', [
        'DOCKER_BUILDKIT=0',
        'docker',
        'build',
        '-q',
        '-t',
        `${REGISTRY}/cj-demo:quiet-${tag}`,
        context,
      ]);
      await run('docker', ['push', '-q', `${REGISTRY}/cj-demo:quiet-${tag}`]);
    }
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

function jobsFile(hosts: readonly Host[]): string {
  return [
    `environment: ${ENV}`,
    `registry: ${REGISTRY}`,
    'hosts:',
    ...hosts.map((h) => `  ${h.name}: { endpoint: "unix://${h.socket}", address: ${h.address} }`),
    'jobs:',
    `  ${JOB}:`,
    '    image: cj-demo:quiet-v1',
    `    hosts: [${hosts.map((h) => h.name).join(', ')}]`,
    `    replicas: ${REPLICAS}`,
    `    port: ${FIRST_PORT}`,
    '    restart: "no"',
    // The detection measure kills containers: they are to be seen dead, not brought back.
    '    reconcile: report',
    '    health: { type: http, path: /health, interval: 1s }',
    `    update: { order: stop-first, min_healthy_time: ${MIN_HEALTHY_MS}ms, failure_action: rollback }`,
    '',
  ].join('\n');
}

/** Every measurement of one orchestrator, while it watches the 200 tasks. */
async function measure(
  orchestrator: Orchestrator,
  hosts: readonly Host[],
  store: string,
  killed: Set<string>,
): Promise<SideResult> {
  // Let start-up work (projections, first looks, first samples) settle before measuring idle.
  await sleep(15_000);
  const idle = await orchestrator.idle(30_000);
  log(`${orchestrator.side}: idle ${idle.cpuPercent.toFixed(1)}% of a core, ${idle.rssMb.toFixed(0)} MB`);
  const statusEnv = await load(orchestrator, `/v1/envs/${ENV}/status`);
  const statusJob = await load(orchestrator, `/v1/envs/${ENV}/status?job=${JOB}`);
  log(`${orchestrator.side}: status p50 ${statusEnv.p50.toFixed(1)} ms, p99 ${statusEnv.p99.toFixed(1)} ms`);
  const detectionMs = await detection(orchestrator, hosts, store, killed, 10);
  log(`${orchestrator.side}: detection ${detectionMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  return {
    side: orchestrator.side,
    statusEnv,
    statusJob,
    detectionMs,
    idleCpuPercent: idle.cpuPercent,
    idleRssMb: idle.rssMb,
  };
}

/** CLIENTS clients asking at once, one request after another each, for about 10 s (at least 2 each). */
async function load(orchestrator: Orchestrator, path: string): Promise<Percentiles> {
  const times: number[] = [];
  const until = Date.now() + 10_000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let n = 0; n < 2 || Date.now() < until; n++) {
        const started = performance.now();
        // A request that fails or takes over a minute counts as never answered.
        const answered = await orchestrator.get<StatusResponse>(path, 60_000).then(
          () => true,
          () => false,
        );
        times.push(answered ? performance.now() - started : Number.POSITIVE_INFINITY);
      }
    }),
  );
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { requests: times.length, p50: at(0.5), p99: at(0.99), max: times[times.length - 1] };
}

/** Kills `count` running task containers one at a time; each: from the kill to its ContainerExited's record time. */
async function detection(
  orchestrator: Orchestrator,
  hosts: readonly Host[],
  storePath: string,
  killed: Set<string>,
  count: number,
): Promise<number[]> {
  const status = await orchestrator.get<StatusResponse>(`/v1/envs/${ENV}/status?job=${JOB}`);
  const victims = status.tasks
    .filter((t) => t.observed?.state === 'running' && !killed.has(t.observed.containerId))
    .slice(0, count);
  const store = openSqliteEventStore(storePath);
  const latencies: number[] = [];
  try {
    for (const victim of victims) {
      const id = victim.observed?.containerId as string;
      const host = hosts.find((h) => h.name === victim.host) as Host;
      killed.add(id);
      const before = Date.now();
      await new Docker({ socketPath: host.socket }).getContainer(id).kill();
      const deadline = before + 10_000;
      for (;;) {
        const exited = (await store.readStream(jobStream(ENV, JOB))).find(
          (r) => r.type === 'ContainerExited' && (r.data as { containerId: string }).containerId === id,
        );
        if (exited) {
          latencies.push(Date.parse((exited.metadata as { occurredAt: string }).occurredAt) - before);
          break;
        }
        if (Date.now() > deadline) {
          latencies.push(Number.POSITIVE_INFINITY);
          break;
        }
        await sleep(50);
      }
    }
  } finally {
    await store.close();
  }
  return latencies;
}

class Orchestrator {
  /** Every orchestrator the run started, stopped at its end whatever happened. */
  static readonly started: Orchestrator[] = [];

  private constructor(
    readonly side: string,
    private readonly url: string,
    private readonly child: ChildProcess,
    private readonly output: { text: string },
    private readonly store: string,
  ) {}

  static async start(side: string, workspace: string, store: string, readDb: string): Promise<Orchestrator> {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        join(workspace, 'apps/orchestrator/bin/cj-orchestrator.js'),
        '--store',
        store,
        '--read-db',
        readDb,
        '--listen',
        `127.0.0.1:${port}`,
      ],
      { cwd: dirname(store), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = { text: '' };
    const keep = (chunk: Buffer) => (output.text = (output.text + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const orchestrator = new Orchestrator(side, `http://127.0.0.1:${port}`, child, output, store);
    Orchestrator.started.push(orchestrator);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${side}: the orchestrator exited with ${child.exitCode}\n${output.text}`);
      if (
        await fetch(`${orchestrator.url}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return orchestrator;
      if (Date.now() > deadline) throw new Error(`${side}: not ready within 60 s\n${output.text}`);
      await sleep(200);
    }
  }

  /** CPU (percent of one core) and RSS of the process over `ms` with no request made. */
  async idle(ms: number): Promise<{ cpuPercent: number; rssMb: number }> {
    const ticks = () => {
      const fields = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return Number(fields[11]) + Number(fields[12]);
    };
    const [t0, at0] = [ticks(), performance.now()];
    await sleep(ms);
    const [t1, at1] = [ticks(), performance.now()];
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))?.[1] ?? 0);
    return { cpuPercent: (((t1 - t0) / 100) * 1000 * 100) / (at1 - at0), rssMb: rss / 1024 };
  }

  async waitForRunning(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.get<StatusResponse>(`/v1/envs/${ENV}/status?job=${JOB}`);
      const running = status.tasks.filter((t) => t.observed?.state === 'running').length;
      if (running >= count) return;
      if (Date.now() > deadline)
        throw new Error(
          `${this.side}: ${running} of ${count} tasks running after ${timeoutMs} ms\n${this.output.text.slice(-3000)}`,
        );
      await sleep(2_000);
    }
  }

  async rollingUpdate(
    tag: string,
    maxParallel: number,
  ): Promise<{
    phase: RolloutPhase;
    requestedAt: number;
    observedAt: number;
    elapsedMs: number;
    events: RolloutEvent[];
  }> {
    const requestedAt = Date.now();
    const started = await this.post<RolloutView>(`/v1/envs/${ENV}/jobs/${JOB}/rolling-update`, {
      tag,
      maxParallel,
      order: 'stop-first',
      minHealthyTime: MIN_HEALTHY_MS,
      failureAction: 'rollback',
    });
    for (;;) {
      const view = await this.get<RolloutView>(`/v1/envs/${ENV}/rollouts/${encodeURIComponent(started.id)}`);
      if (isTerminalRolloutPhase(view.phase) || view.phase === 'paused') {
        const observedAt = Date.now();
        const store = openSqliteEventStore(this.store);
        const events = (await store.readStream(rolloutStreamId(ENV, started.id)))
          .filter((r) => isRolloutEventType(r.type))
          .map(upcastRolloutEvent);
        await store.close();
        return { phase: view.phase, requestedAt, observedAt, elapsedMs: observedAt - requestedAt, events };
      }
      if (Date.now() - requestedAt > 600_000) throw new Error(`rollout ${started.id} did not end within 600 s`);
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolveExit) => {
      this.child.once('exit', () => resolveExit());
      this.child.kill('SIGTERM');
    });
  }

  post<T>(path: string, body: object): Promise<T> {
    return this.request<T>('POST', path, { ...body, actor: 'bench@scale', commandId: randomUUID() });
  }

  get<T>(path: string, timeoutMs?: number): Promise<T> {
    return this.request<T>('GET', path, undefined, timeoutMs);
  }

  private async request<T>(method: string, path: string, body?: object, timeoutMs?: number): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      ...(timeoutMs !== undefined && { signal: AbortSignal.timeout(timeoutMs) }),
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${this.side}: ${method} ${path}: ${response.status} ${text}\n${this.output.text.slice(-3000)}`);
    return JSON.parse(text) as T;
  }
}

function print(report: {
  setupMs: number;
  sides: readonly SideResult[];
  rollout: { phase: string; elapsedMs: number; lowerBoundMs: number; ratio: number };
}): void {
  const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(`\nsetup: ${seconds(report.setupMs)} (goal < 180 s)`);
  console.log('| side | status env p50 / p99 | status job p50 / p99 | detection p50 / max | idle CPU | idle RSS |');
  console.log('|---|---|---|---|---|---|');
  for (const s of report.sides) {
    console.log(
      `| ${s.side} | ${s.statusEnv.p50.toFixed(1)} / ${s.statusEnv.p99.toFixed(1)} ms (${s.statusEnv.requests} req) | ${s.statusJob.p50.toFixed(1)} / ${s.statusJob.p99.toFixed(1)} ms | ${median(s.detectionMs).toFixed(0)} / ${Math.max(...s.detectionMs).toFixed(0)} ms | ${s.idleCpuPercent.toFixed(1)}% | ${s.idleRssMb.toFixed(0)} MB |`,
    );
  }
  console.log(
    `rollout of ${REPLICAS} tasks at max_parallel 20: ${report.rollout.phase} in ${seconds(report.rollout.elapsedMs)}, lower bound ${seconds(report.rollout.lowerBoundMs)}, ${report.rollout.ratio.toFixed(2)}× (goal ≤ 1.2×)`,
  );
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const log = (message: string) => console.error(`[scale] ${message}`);

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
