/**
 * The runner against real engines: three fake hosts (each its own dockerd and network namespace),
 * the demo images from the local registry, the embedded SQLite store.
 */
import { DockerRuntime } from '@cj/docker-adapter';
import { TaskHealthProbe } from '@cj/docker-adapter';
import type { ContainerInfo, HostSpec } from '@cj/domain';
import { openSqliteEventStore, type EventStore } from '@cj/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only fake hosts are exported from the adapter's testing entry, which has no alias yet
import { demoImage, ensureDemoImages, startFakeHosts, type FakeHosts } from '../../../../libs/docker-adapter/src/testing';
import { EnvironmentHosts } from './environment-hosts';
import { RolloutCommands, type CommandContext } from './rollout-commands';
import { RolloutRunner } from './rollout-runner';
import { SqliteRunnerCheckpoint } from './runner-checkpoint';
import { demoJob, demoPolicy, FixedRevisions } from './testing/fixed-revisions';
import { waitForRollout } from './testing/wait-for-rollout';

jest.setTimeout(180_000);

const env = 'engine';
const job = 'web';
const basePort = 18180;

describe('rollout runner on fake hosts', () => {
  let fake: FakeHosts;
  let dir: string;
  let store: EventStore;
  let checkpoint: SqliteRunnerCheckpoint;
  let runner: RolloutRunner;
  let runtimes: Map<string, DockerRuntime>;
  let hosts: readonly HostSpec[];
  const revisions = new FixedRevisions();
  const errors: Error[] = [];
  let commandCount = 0;
  const context = (): CommandContext => ({ actor: 'tester@ci', commandId: `command-${++commandCount}`, cjVersion: 'test', now: Date.now() });

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(3);
    hosts = fake.hosts.map((h) => h.spec);
    dir = mkdtempSync(join(tmpdir(), 'cj-rollout-'));
    runtimes = new Map(hosts.map((h) => [h.name, new DockerRuntime(h, { standardConfig: { dataRoot: join(dir, 'data') } })]));
    const names = hosts.map((h) => h.name);
    const policy = demoPolicy({ maxParallel: 2, minHealthyTime: 500, healthyDeadline: 4000 });
    revisions
      .add(env, 1, demoJob(job, demoImage('v1'), names, 2, basePort, policy))
      .add(env, 2, demoJob(job, demoImage('v2'), names, 2, basePort, policy))
      .add(env, 3, demoJob(job, demoImage('unhealthy'), names, 2, basePort, policy));
    store = openSqliteEventStore(join(dir, 'events.db'));
    checkpoint = new SqliteRunnerCheckpoint(join(dir, 'runner.db'));
    runner = new RolloutRunner(
      store,
      checkpoint,
      {
        hosts: new EnvironmentHosts(() => hosts, (h) => runtimes.get(h.name) as DockerRuntime),
        revisions,
        probe: new TaskHealthProbe(),
        now: () => Date.now(),
      },
      { owner: 'orchestrator-test', cjVersion: 'test', onError: (e) => errors.push(e) },
    );
    await runner.start();
  });

  afterAll(async () => {
    await runner?.stop();
    await store?.close();
    checkpoint?.close();
    await fake?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const running = async (): Promise<ContainerInfo[]> =>
    (await Promise.all([...runtimes.values()].map((r) => r.list({ env, job })))).flat().filter((c) => c.state === 'running');

  const versionOf = async (host: string, port: number): Promise<string> => {
    const address = hosts.find((h) => h.name === host)?.address as string;
    const response = await request(`http://${address}:${port}/version`);
    return (await response.body.text()).trim();
  };

  const rollTo = async (fromRevision: number | undefined, toRevision: number) => {
    const { spec } = await revisions.revision(env, job, toRevision);
    const commands = new RolloutCommands(store);
    const id = await commands.start({ env, job, fromRevision, toRevision, spec }, context());
    return waitForRollout(store, env, id, 120_000);
  };

  it('creates v1, then rolls v1 → v2 over 3 hosts × 2 replicas, keeping one replaced container per task', async () => {
    expect((await rollTo(undefined, 1)).status).toBe('succeeded');
    const rollout = await rollTo(1, 2);

    expect(rollout.status).toBe('succeeded');
    expect(errors).toEqual([]);
    const live = await running();
    expect(live.map((c) => c.revision).sort()).toEqual([2, 2, 2, 2, 2, 2]);
    for (const c of live) expect(await versionOf(c.host, c.port as number)).toBe('v2');
    const all = (await Promise.all([...runtimes.values()].map((r) => r.list({ env, job })))).flat();
    expect(all.filter((c) => c.revision === 1 && c.state !== 'running')).toHaveLength(6);
  });

  it('rolls an unhealthy image back automatically: every task runs its v2 container again', async () => {
    const before = (await running()).map((c) => c.id).sort();
    const rollout = await rollTo(2, 3);

    expect(rollout.status).toBe('rolled-back');
    expect(rollout.reason).toMatch(/failed: not healthy for 0.5s within the healthy deadline of 4s/);
    const live = await running();
    expect(live.map((c) => c.id).sort()).toEqual(before);
    for (const c of live) expect(await versionOf(c.host, c.port as number)).toBe('v2');
    const leftovers = (await Promise.all([...runtimes.values()].map((r) => r.list({ env, job, revision: 3 })))).flat();
    expect(leftovers).toEqual([]);
  });

  it('refuses a second rollout of the same job while one is active, naming it', async () => {
    const { spec } = await revisions.revision(env, job, 1);
    const commands = new RolloutCommands(store);
    const first = await commands.start({ env, job, fromRevision: 2, toRevision: 1, spec }, context());
    await expect(commands.start({ env, job, fromRevision: 2, toRevision: 1, spec }, context())).rejects.toThrow(
      `job ${job} already has rollout ${first} in progress (to revision 1)`,
    );
    expect((await waitForRollout(store, env, first, 120_000)).status).toBe('succeeded');
  });
});
