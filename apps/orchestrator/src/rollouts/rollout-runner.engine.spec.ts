/**
 * The runner against real engines: three fake hosts (each its own dockerd and network namespace),
 * the demo images from the local registry, the embedded SQLite store, the job's own stream.
 */
import { DockerRuntime, TaskHealthProbe } from '@cj/docker-adapter';
import type { ContainerInfo } from '@cj/domain';
import type { HostSpec, JobSpec } from '@cj/api';
import { openSqliteEventStore, type EventStore } from '@cj/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { demoImage, ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import type { CommandContext } from '../store/command-context';
import { foldJob } from '../store/job-stream';
import { recordJobCommands } from '../store/record-job-commands';
import { EnvironmentLocks } from '../hosts/environment-locks';
import { Metrics } from '../metrics/metrics';
import { StreamWriter } from '../store/stream-writer';
import { EnvironmentHosts } from './environment-hosts';
import { JobStreamRecord } from './job-stream-record';
import { JobStreamRevisions } from './job-stream-revisions';
import { RolloutService } from './rollout.service';
import { RolloutRunner } from './rollout-runner';
import { SqliteRunnerCheckpoint } from './runner-checkpoint';
import { demoJob, demoPolicy } from './testing/demo-job';
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
  let writer: StreamWriter;
  let jobs: JobStreamRecord;
  const specs = new Map<number, JobSpec>();
  const errors: Error[] = [];
  const locks = new EnvironmentLocks();
  let commandCount = 0;
  const context = (): CommandContext => ({
    actor: 'tester@ci',
    commandId: `command-${++commandCount}`,
    cjVersion: 'test',
    occurredAt: new Date().toISOString(),
  });

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(3);
    hosts = fake.hosts.map((h) => h.spec);
    dir = mkdtempSync(join(tmpdir(), 'cj-rollout-'));
    runtimes = new Map(
      hosts.map((h) => [h.name, new DockerRuntime(h, { standardConfig: { dataRoot: join(dir, 'data') } })]),
    );
    const names = hosts.map((h) => h.name);
    const policy = demoPolicy({ maxParallel: 2, minHealthyTime: 500, healthyDeadline: 4000 });
    specs.set(1, demoJob(job, demoImage('v1'), names, 2, basePort, policy));
    specs.set(2, demoJob(job, demoImage('v2'), names, 2, basePort, policy));
    specs.set(3, demoJob(job, demoImage('unhealthy'), names, 2, basePort, policy));
    // Exits with code 3 two seconds after its start, long after its 0.5 s gate; the engine restarts it.
    specs.set(4, {
      ...demoJob(job, demoImage('crash'), names, 2, basePort, { ...policy, minHealthyTime: 800 }),
      restart: 'unless-stopped',
    });
    store = openSqliteEventStore(join(dir, 'events.db'));
    writer = new StreamWriter(store, new Metrics());
    for (const spec of specs.values()) {
      const metadata = context();
      await recordJobCommands(
        writer,
        env,
        job,
        [{ type: 'RegisterOrUpdateJob', data: { spec }, metadata }],
        metadata.commandId,
      );
    }
    jobs = new JobStreamRecord(writer, 'test', () => Date.now());
    checkpoint = new SqliteRunnerCheckpoint(join(dir, 'runner.db'));
    runner = new RolloutRunner(
      store,
      checkpoint,
      {
        hosts: new EnvironmentHosts(
          () => hosts,
          (h) => runtimes.get(h.name) as DockerRuntime,
        ),
        revisions: new JobStreamRevisions(writer),
        jobs,
        exclusive: (e, work) => locks.run(e, work),
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
    (await Promise.all([...runtimes.values()].map((r) => r.list({ env, job }))))
      .flat()
      .filter((c) => c.state === 'running');

  const versionOf = async (host: string, port: number): Promise<string> => {
    const address = hosts.find((h) => h.name === host)?.address as string;
    const response = await request(`http://${address}:${port}/version`);
    return (await response.body.text()).trim();
  };

  const rollTo = async (fromRevision: number | undefined, toRevision: number) => {
    const spec = specs.get(toRevision) as JobSpec;
    const { id } = await new RolloutService(store, writer, jobs, (e, work) => locks.run(e, work)).start(
      { env, job, fromRevision, toRevision, spec },
      context(),
    );
    return waitForRollout(store, env, id, 120_000);
  };

  /** What the job's stream says runs, by container id. */
  const recordedRunning = async (): Promise<string[]> =>
    Object.values(foldJob((await writer.load(`cj.${env}.job.${job}`)).records).tasks)
      .flatMap((task) => task.containers.filter((c) => c.state === 'running').map((c) => c.containerId))
      .sort();

  it('creates v1, then rolls v1 → v2 over 3 hosts × 2 replicas, keeping one replaced container per task', async () => {
    expect((await rollTo(undefined, 1)).status).toBe('succeeded');
    const rollout = await rollTo(1, 2);

    expect(rollout.status).toBe('succeeded');
    expect(errors).toEqual([]);
    const live = await running();
    expect(live.map((c) => c.revision).sort()).toEqual([2, 2, 2, 2, 2, 2]);
    for (const c of live) expect(await versionOf(c.host, c.port as number)).toBe('v2');
    expect(await recordedRunning()).toEqual(live.map((c) => c.id).sort());
    const all = (await Promise.all([...runtimes.values()].map((r) => r.list({ env, job })))).flat();
    expect(all.filter((c) => c.revision === 1 && c.state !== 'running')).toHaveLength(6);
  });

  it('rolls an unhealthy image back automatically: every task runs its v2 container again', async () => {
    const before = (await running()).map((c) => c.id).sort();
    const rollout = await rollTo(2, 3);

    expect(rollout.status).toBe('rolled-back');
    // Its image's HEALTHCHECK turns unhealthy after 2–3 s (later on a loaded machine): the gate fails on
    // that, not on its healthy deadline, which would read "not healthy … within the healthy deadline".
    expect(rollout.reason).toMatch(
      /failed: container unhealthy by its image's Docker HEALTHCHECK, \d+(\.\d+)?s after it was started/,
    );
    const live = await running();
    expect(live.map((c) => c.id).sort()).toEqual(before);
    for (const c of live) expect(await versionOf(c.host, c.port as number)).toBe('v2');
    expect(await recordedRunning()).toEqual(before);
    const leftovers = (await Promise.all([...runtimes.values()].map((r) => r.list({ env, job, revision: 3 })))).flat();
    expect(leftovers).toEqual([]);
  });

  it('rolls an image that crashes after its gate back: a batch boundary finds it restarted by the engine', async () => {
    const before = (await running()).map((c) => c.id).sort();
    const rollout = await rollTo(2, 4);

    expect(rollout.status).toBe('rolled-back');
    // Caught after its restart, or in the moment the engine waits to restart it.
    expect(rollout.reason).toMatch(
      /failed: container (exited and was restarted by the engine once|restarting \(exit code 3\)) after it passed its health gate/,
    );
    expect(errors).toEqual([]);
    const live = await running();
    expect(live.map((c) => c.id).sort()).toEqual(before);
    for (const c of live) expect(await versionOf(c.host, c.port as number)).toBe('v2');
    expect(await recordedRunning()).toEqual(before);
    const leftovers = (await Promise.all([...runtimes.values()].map((r) => r.list({ env, job, revision: 4 })))).flat();
    expect(leftovers).toEqual([]);
  });

  it('refuses a second rollout of the same job while one is active, naming it', async () => {
    const spec = specs.get(1) as JobSpec;
    const rollouts = new RolloutService(store, writer, jobs, (e, work) => locks.run(e, work));
    const first = await rollouts.start({ env, job, fromRevision: 2, toRevision: 1, spec }, context());
    await expect(rollouts.start({ env, job, fromRevision: 2, toRevision: 1, spec }, context())).rejects.toThrow(
      `job "${job}" has rollout ${first.id} in progress`,
    );
    expect((await waitForRollout(store, env, first.id, 120_000)).status).toBe('succeeded');
    expect(foldJob((await writer.load(`cj.${env}.job.${job}`)).records)).toMatchObject({
      activeRolloutId: undefined,
      currentRevision: 1,
    });
  });

  it('completes a rollout whose start was cut off between its mark and its first event', async () => {
    // What a crash right after the job stream's record leaves: the job marked, no rollout stream.
    // The record holds all the rollout begins from, so the next command begins it rather than
    // dropping it, and refuses a second rollout while it runs.
    const cutOff = 'rollout-cut-off';
    const metadata = context();
    await recordJobCommands(
      writer,
      env,
      job,
      [{ type: 'BeginRollout', data: { job, rolloutId: cutOff, fromRevision: 1, toRevision: 2 }, metadata }],
      metadata.commandId,
    );
    expect(foldJob((await writer.load(`cj.${env}.job.${job}`)).records).activeRolloutId).toBe(cutOff);

    const rollouts = new RolloutService(store, writer, jobs, (e, work) => locks.run(e, work));
    await expect(
      rollouts.start({ env, job, fromRevision: 1, toRevision: 2, spec: specs.get(2) as JobSpec }, context()),
    ).rejects.toThrow(/rollout-cut-off in progress/);
    const ended = await waitForRollout(store, env, cutOff, 120_000);
    expect({ status: ended.status, reason: ended.reason }).toEqual({ status: 'succeeded', reason: undefined });
    expect(await rollouts.unfinished(env, job)).toBeUndefined();
  });

  it('begins a rollout only when the environment is free of up, down and other steps', async () => {
    const rollouts = new RolloutService(store, writer, jobs, (e, work) => locks.run(e, work));
    let release!: () => void;
    const held = locks.run(env, () => new Promise<void>((resolve) => (release = resolve)));
    const before = (await writer.load(`cj.${env}.job.${job}`)).records.length;
    const starting = rollouts.start(
      { env, job, fromRevision: 2, toRevision: 1, spec: specs.get(1) as JobSpec },
      context(),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await writer.load(`cj.${env}.job.${job}`)).records).toHaveLength(before);
    release();
    await held;
    const ended = await waitForRollout(store, env, (await starting).id, 120_000);
    expect({ status: ended.status, reason: ended.reason }).toEqual({ status: 'succeeded', reason: undefined });
  });
});
