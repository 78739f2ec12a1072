/**
 * "Pull before you stop": a rollout pulls its image on every host before the first batch. Real
 * fake hosts without the demo images, a registry of this test's own (so it can be stopped) behind
 * a counting gate on 127.77.0.1 (where the hosts reach it), the orchestrator as a process.
 */
import { DockerRuntime } from '@cj/docker-adapter';
import { ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import { rolloutStream, type ContainerInfo, type RolloutEvent } from '@cj/domain';
import type { RolloutView } from '@cj/api';
import { openSqliteEventStore, StreamNotFoundError, type EventStore } from '@cj/event-store';
import { startRegistryServer, type RegistryServer } from '@cj/registry-client/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rolloutJobsFile } from '../rollouts/testing/rollout-jobs-file';
import { rolloutEventOf } from '../store/event-codec';
import { OrchestratorProcess } from '../testing';

jest.setTimeout(300_000);

const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });
// Not execFileSync: a blocked event loop misses the orchestrator closing an idle keep-alive connection, and the next request fails on it.
const docker = (...args: string[]) => promisify(execFile)('docker', args);

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The registry as the hosts reach it: a pass-through on 127.77.0.1 that records who asked for
 * what, can hold one host's blob downloads until released, and can stop answering at all.
 */
class RegistryGate {
  readonly requests: { from: string; method: string; path: string }[] = [];
  private held?: string;
  private readonly waiting: (() => void)[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly host: string,
  ) {}

  static async start(target: RegistryServer): Promise<RegistryGate> {
    const upstream = new URL(target.url);
    const ref: { gate?: RegistryGate } = {};
    const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
      const from = incoming.socket.remoteAddress ?? '';
      ref.gate?.requests.push({ from, method: incoming.method ?? '', path: incoming.url ?? '' });
      const forward = () => {
        const out = request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: incoming.method,
            path: incoming.url,
            headers: { ...incoming.headers, host: upstream.host },
          },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
          },
        );
        out.on('error', () => outgoing.destroy());
        incoming.pipe(out);
      };
      if (ref.gate?.held !== undefined && from.startsWith(ref.gate.held) && /\/blobs\//.test(incoming.url ?? ''))
        ref.gate.waiting.push(forward);
      else forward();
    });
    server.on('connection', (socket) => {
      ref.gate?.sockets.add(socket);
      socket.once('close', () => ref.gate?.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.77.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the registry gate has no port');
    ref.gate = new RegistryGate(server, `127.77.0.1:${address.port}`);
    return ref.gate;
  }

  /** Blob downloads by the host whose addresses start with `prefix` wait until `release`. */
  hold(prefix: string): void {
    this.held = prefix;
  }

  release(): void {
    this.held = undefined;
    for (const forward of this.waiting.splice(0)) forward();
  }

  /** Blob downloads the host with this address prefix made. */
  blobs(prefix: string): string[] {
    return this.requests
      .filter((r) => r.from.startsWith(prefix) && r.method === 'GET' && /\/blobs\//.test(r.path))
      .map((r) => r.path);
  }

  /** Stops answering: connections are refused, as by a registry that is down. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The address prefix a fake host's connections come from (`127.77.<i>.`). */
const prefixOf = (address: string): string => address.replace(/\.\d+$/, '.');

describe('the pull phase of a rollout', () => {
  let fake: FakeHosts;
  const registries: { registry: RegistryServer; gate: RegistryGate }[] = [];
  let dir: string;
  let orchestrator: OrchestratorProcess;
  let store: EventStore;
  let runtimes: DockerRuntime[];

  // A loaded machine can take a while to start a process: give it time.
  const start = () =>
    OrchestratorProcess.start({ store: join(dir, 'cj.db'), readDb: join(dir, 'cj.read.db'), readyTimeoutMs: 90_000 });
  const rolloutEvents = async (env: string, id: string): Promise<RolloutEvent[]> => {
    try {
      return (await store.readStream(rolloutStream(env, id))).flatMap((r) => rolloutEventOf(r) ?? []);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  };
  const running = async (env: string): Promise<ContainerInfo[]> =>
    (await Promise.all(runtimes.map((r) => r.list({ env, job: 'web' }))))
      .flat()
      .filter((c) => c.state === 'running')
      .sort((a, b) => a.task - b.task);
  const version = async (address: string, port: number): Promise<string> =>
    (await (await fetch(`http://${address}:${port}/version`)).text()).trim();
  /** A registry of the test's own with v1 and v2, and its gate: each test stops or holds its own. */
  const openRegistry = async () => {
    const registry = await startRegistryServer();
    for (const tag of ['v1', 'v2']) {
      await docker('tag', `cj-demo:${tag}`, `${registry.host}/cj-demo:${tag}`);
      await docker('push', '-q', `${registry.host}/cj-demo:${tag}`);
      await docker('rmi', `${registry.host}/cj-demo:${tag}`);
    }
    const opened = { registry, gate: await RegistryGate.start(registry) };
    registries.push(opened);
    return opened;
  };
  const jobsFile = (gate: RegistryGate, env: string, tag: string, port: number) =>
    rolloutJobsFile(
      env,
      fake.hosts.map((h) => h.spec),
      [{ name: 'web', tag, hosts: fake.hosts.map((h) => h.name), replicas: 3, port, update: { max_parallel: 1 } }],
      gate.host,
    );
  const apply = async (env: string, text: string) => {
    const answer = await orchestrator
      .request('POST', `/v1/envs/${env}/apply`, { ...change(), jobs: { file: 'jobs.yaml', text } })
      .catch((error: unknown) => {
        throw new Error(`apply failed: ${String(error)}\n${orchestrator.log.split('\n').slice(-20).join('\n')}`);
      });
    expect(answer.status).toBe(200);
  };
  const endOf = async (env: string, id: string): Promise<RolloutView> => {
    let view: RolloutView | undefined;
    await waitUntil(async () => {
      view = (await orchestrator.request<RolloutView>('GET', `/v1/envs/${env}/rollouts/${id}`)).body;
      return !['running', 'rolling-back'].includes(view.phase);
    }, 120_000);
    return view as RolloutView;
  };

  beforeAll(async () => {
    await ensureDemoImages();
    // The hosts have no image at all: every one comes from this test's registry.
    fake = await startFakeHosts(3, { images: false });
    runtimes = fake.hosts.map((h) => new DockerRuntime(h.spec));
    dir = mkdtempSync(join(tmpdir(), 'cj-pull-'));
    orchestrator = await start();
    store = openSqliteEventStore(join(dir, 'cj.db'));
  });

  afterAll(async () => {
    await orchestrator?.stop();
    await store?.close();
    for (const { registry, gate } of registries) {
      await gate.close().catch(() => undefined);
      await registry.stop();
    }
    await fake?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('with the registry stopped before the rollout, fails in its pull phase and leaves every container as it was', async () => {
    const env = 'pullfail';
    const { registry, gate } = await openRegistry();
    await apply(env, jobsFile(gate, env, 'v1', 18610));
    expect((await orchestrator.request('POST', `/v1/envs/${env}/jobs/web/up`, change())).status).toBe(200);
    await waitUntil(async () => (await running(env)).length === 3, 30_000);
    const before = (await running(env)).map((c) => [c.task, c.id]);

    // The file pins v2 by digest, so applying it needs no registry; then the registry goes down.
    const manifest = await fetch(`${registry.url}/v2/cj-demo/manifests/v2`, {
      method: 'HEAD',
      headers: {
        accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
      },
    });
    const digest = manifest.headers.get('docker-content-digest');
    expect(digest).toMatch(/^sha256:/);
    await gate.close();
    await registry.stop();

    await apply(env, jobsFile(gate, env, `v2@${digest}`, 18610));
    const list = (await orchestrator.request<RolloutView[]>('GET', `/v1/envs/${env}/rollouts?job=web`)).body;
    const id = list.find((r) => r.toRevision === 2)?.id as string;
    expect(id).toBeDefined();
    const view = await endOf(env, id);

    expect(view.phase).toBe('failed');
    expect(view.reason).toMatch(
      /^pulling the image of revision 2 failed on h\d+: .*127\.77\.0\.1.*; no container was touched$/,
    );
    expect(view.pulls?.length).toBe(3);
    expect(view.pulls?.every((p) => p.state === 'failed' && p.detail !== undefined)).toBe(true);
    const events = await rolloutEvents(env, id);
    expect(events.some((e) => e.type === 'TaskUpdateStarted' || e.type === 'ContainerStopRequested')).toBe(false);
    // Every task's container is the one it had, and still answers on v1.
    expect((await running(env)).map((c) => [c.task, c.id])).toEqual(before);
    for (const host of fake.hosts) expect(await version(host.address, 18610)).toBe('v1');
  });

  it('pulls on every host before the first batch; cut by SIGKILL, it resumes without pulling twice what was pulled', async () => {
    const env = 'pullkill';
    const { gate } = await openRegistry();
    await apply(env, jobsFile(gate, env, 'v1', 18620));
    expect((await orchestrator.request('POST', `/v1/envs/${env}/jobs/web/up`, change())).status).toBe(200);
    await waitUntil(async () => (await running(env)).length === 3, 30_000);

    // The third host's downloads wait: the other two finish their pull, it stays in flight.
    const [h1, h2, h3] = fake.hosts.map((h) => prefixOf(h.address));
    gate.hold(h3);
    const started = await orchestrator.request<RolloutView>('POST', `/v1/envs/${env}/jobs/web/rolling-update`, {
      ...change(),
      tag: 'v2',
    });
    expect(started.status).toBe(200);
    const id = started.body.id;
    const pulledOn = (events: readonly RolloutEvent[]) =>
      events.flatMap((e) => (e.type === 'ImagePulled' ? [e.data.host] : []));
    await waitUntil(async () => {
      const events = await rolloutEvents(env, id);
      return (
        pulledOn(events).length === 2 &&
        events.some((e) => e.type === 'ImagePullRequested' && e.data.host === fake.hosts[2].name)
      );
    }, 60_000);
    const progress = (await orchestrator.request<RolloutView>('GET', `/v1/envs/${env}/rollouts/${id}`)).body;
    expect(progress.pulls?.map((p) => [p.host, p.state])).toEqual([
      [fake.hosts[0].name, 'pulled'],
      [fake.hosts[1].name, 'pulled'],
      [fake.hosts[2].name, 'pulling'],
    ]);
    const before = { h1: gate.blobs(h1).length, h2: gate.blobs(h2).length };
    expect(before.h1).toBeGreaterThan(0);

    await orchestrator.signal('SIGKILL');
    const atDeath = await rolloutEvents(env, id);
    expect(atDeath.some((e) => e.type === 'TaskUpdateStarted')).toBe(false);
    orchestrator = await start();
    gate.release();

    const view = await endOf(env, id);
    expect({ phase: view.phase, reason: view.reason }).toEqual({ phase: 'succeeded', reason: undefined });
    const events = await rolloutEvents(env, id);
    const hosts = fake.hosts.map((h) => h.name);
    // One intent and one outcome per host: the restarted runner reconciled the third, asked for no new pull.
    expect(
      events
        .filter((e) => e.type === 'ImagePullRequested')
        .map((e) => (e.data as { host: string }).host)
        .sort(),
    ).toEqual(hosts);
    expect(pulledOn(events).sort()).toEqual(hosts);
    expect(events.findLastIndex((e) => e.type === 'ImagePulled')).toBeLessThan(
      events.findIndex((e) => e.type === 'TaskUpdateStarted'),
    );
    // Nothing pulled twice: the hosts that had pulled before the kill downloaded nothing more.
    expect({ h1: gate.blobs(h1).length, h2: gate.blobs(h2).length }).toEqual(before);
    const pulled = events.filter((e): e is Extract<RolloutEvent, { type: 'ImagePulled' }> => e.type === 'ImagePulled');
    expect(pulled.every((e) => /^sha256:/.test(e.data.digest) && e.data.ms >= 0)).toBe(true);
    // What the engine reported downloading: v2 shares all but one tiny layer with v1, whose size an
    // engine may not report while it downloads, so only that it was counted is certain here.
    expect(pulled.every((e) => e.data.bytes === undefined || e.data.bytes >= 0)).toBe(true);
    // Every task's downtime is in its TaskUpdated and in the view.
    expect(view.tasks.every((t) => typeof t.downtimeMs === 'number' && t.downtimeMs > 0)).toBe(true);
    for (const c of await running(env))
      expect(await version(fake.hosts[runtimes.findIndex((r) => r.host === c.host)].address, 18620)).toBe('v2');
  });

  it('up pulls on every host first: a host that cannot get the image fails it before any container is created', async () => {
    const env = 'pullup';
    const { registry, gate } = await openRegistry();
    const [a, b] = fake.hosts;
    await apply(
      env,
      rolloutJobsFile(
        env,
        [a.spec, b.spec],
        [{ name: 'web', tag: 'v1', hosts: [a.name, b.name], replicas: 2, port: 18630 }],
        gate.host,
      ),
    );
    // Host a has the job's image (pinned by digest), host b does not; then the registry goes down.
    const digest = (
      await fetch(`${registry.url}/v2/cj-demo/manifests/v1`, {
        method: 'HEAD',
        headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      })
    ).headers.get('docker-content-digest');
    expect(digest).toMatch(/^sha256:/);
    await new DockerRuntime(a.spec).ensureImage({
      registry: gate.host,
      repository: 'cj-demo',
      tag: 'v1',
      digest: digest as string,
    });
    await gate.close();
    await registry.stop();

    const up = await orchestrator.request<{ detail: string }>('POST', `/v1/envs/${env}/jobs/web/up`, change());
    expect(up.status).toBeGreaterThanOrEqual(400);
    expect(up.body.detail).toMatch(new RegExp(`^host ${b.name}: .*127\\.77\\.0\\.1`));
    // Nothing was created, not even on the host that had the image.
    for (const runtime of runtimes.slice(0, 2)) expect(await runtime.list({ env })).toEqual([]);
  });
});
