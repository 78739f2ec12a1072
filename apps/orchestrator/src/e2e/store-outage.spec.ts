/**
 * Store outages pause, they do not fail: the store lives on a small tmpfs of the test's own, which
 * the test fills to the last page while a rolling update waits on a task's health gate, for longer
 * than its healthy deadline. The orchestrator is the built binary on a fake host; `cj` is the built CLI.
 */
import type { RolloutView, StatusResponse } from '@cj/api';
import { DEMO_REGISTRY, ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import Database from 'better-sqlite3';
import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the real `cj` binary is what an operator runs; its test runner is the CLI's test-only helper
import { runCj } from '../../../cli/src/testing/cli';
import { rolloutJobsFile } from '../rollouts/testing/rollout-jobs-file';
import { OrchestratorProcess, waitUntil } from '../testing';

jest.setTimeout(600_000);

const ENV = 'outage';
const PORT = 18780;
const PAGE = 4096;
const HEALTHY_DEADLINE_MS = 4_000;
/** How long the disk stays full at least: well past the healthy deadline. */
const OUTAGE_MS = 3 * HEALTHY_DEADLINE_MS;
const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });

/**
 * The demo images without their Docker HEALTHCHECK (an exec every second, 1 s timeout): on a loaded
 * machine two slow execs in a row call a healthy container unhealthy, which fails a gate at once.
 * The job's own HTTP check gates the rollout; the store outage is what this test is about.
 */
function quietDemoImages(): void {
  const context = mkdtempSync(join(tmpdir(), 'cj-quiet-'));
  try {
    for (const tag of ['v1', 'v2']) {
      writeFileSync(join(context, 'Dockerfile'), `FROM ${DEMO_REGISTRY}/cj-demo:${tag}\nHEALTHCHECK NONE\n`);
      execFileSync('docker', ['build', '-q', '-t', `${DEMO_REGISTRY}/cj-demo:quiet-${tag}`, context], {
        env: { ...process.env, DOCKER_BUILDKIT: '0' },
        stdio: 'ignore',
      });
      execFileSync('docker', ['push', '-q', `${DEMO_REGISTRY}/cj-demo:quiet-${tag}`], { stdio: 'ignore' });
    }
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

interface Health {
  readonly status: string;
  readonly reasons?: string[];
}

describe('a store outage during a rolling update (store on a full disk)', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;
  let disk: string;
  let store: string;
  let filler: number | undefined;

  const cj = (...args: string[]) => runCj(args, { url: orchestrator.url, env: ENV, timeoutMs: 120_000 });

  /** The events of one stream, read straight from the store file. */
  const streamEvents = (streamId: string): { type: string; data: Record<string, unknown> }[] => {
    const db = new Database(store, { readonly: true, fileMustExist: true });
    try {
      return (
        db.prepare('SELECT type, data FROM events WHERE stream_id = ? ORDER BY position').all(streamId) as {
          type: string;
          data: string;
        }[]
      ).map((row) => ({
        type: row.type,
        data: JSON.parse(row.data) as Record<string, unknown>,
      }));
    } finally {
      db.close();
    }
  };

  /** Fills the tmpfs to its last page. The WAL is emptied first, so writes need new pages. */
  function fillDisk(): void {
    const db = new Database(store, { fileMustExist: true });
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    filler = openSync(join(disk, 'filler'), 'w');
    const chunk = Buffer.alloc(64 * PAGE, 1);
    let size = 0;
    for (;;) {
      try {
        size += writeSync(filler, chunk, 0, statfsSync(disk).bavail > 64 ? chunk.length : PAGE);
      } catch {
        break;
      }
    }
    ftruncateSync(filler, size);
  }

  function freeDisk(): void {
    if (filler === undefined) return;
    closeSync(filler);
    filler = undefined;
    rmSync(join(disk, 'filler'), { force: true });
  }

  const health = async () => {
    const answer = await fetch(`${orchestrator.url}/healthz`);
    return { code: answer.status, body: (await answer.json()) as Health };
  };

  beforeAll(async () => {
    await ensureDemoImages();
    quietDemoImages();
    fake = await startFakeHosts(1);
    disk = mkdtempSync(join(tmpdir(), 'cj-store-outage-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', disk]);
    store = join(disk, 'cj.db');
    orchestrator = await OrchestratorProcess.start({ store, observeInterval: '300ms' });
    const [host] = fake.hosts;
    const text = rolloutJobsFile(
      ENV,
      [host.spec],
      [
        {
          name: 'web',
          tag: 'quiet-v1',
          hosts: [host.name],
          replicas: 2,
          port: PORT,
          update: { max_parallel: 1, min_healthy_time: '2s', healthy_deadline: `${HEALTHY_DEADLINE_MS}ms` },
        },
        // The job whose container is stopped by hand: it is to be seen stopped, not brought back.
        { name: 'api', tag: 'quiet-v1', hosts: [host.name], replicas: 1, port: PORT + 10, reconcile: 'report' },
      ],
    );
    expect(
      (await orchestrator.request('POST', `/v1/envs/${ENV}/apply`, { ...change(), jobs: { file: 'jobs.yaml', text } }))
        .status,
    ).toBe(200);
    for (const job of ['web', 'api'])
      expect((await orchestrator.request('POST', `/v1/envs/${ENV}/jobs/${job}/up`, change())).status).toBe(200);
  });

  afterAll(async () => {
    freeDisk();
    await orchestrator?.stop();
    await fake?.stop();
    if (disk) {
      execFileSync('umount', [disk]);
      rmSync(disk, { recursive: true, force: true });
    }
  });

  it('answers /healthz 200 while the log can be written', async () => {
    const answer = await waitUntil(health, (h) => h.code === 200, 30_000);
    expect(answer).toEqual({ code: 200, body: expect.objectContaining({ status: 'ok' }) });
    // The job whose status is read during the outage has its health on record before the disk fills.
    const api = await waitUntil(
      async () => (await orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status?job=api`)).body.tasks[0],
      (task) => task?.observed?.health === 'healthy',
      60_000,
    );
    expect(api.observed?.health).toBe('healthy');
  });

  describe('while the disk is full during the health gate of the first task', () => {
    let rollout: string;
    let stream: string;
    let filledAt: number;
    let logFrom: number;

    it('answers /healthz 503 with the reason while the log cannot be written', async () => {
      const started = await orchestrator.request<RolloutView>('POST', `/v1/envs/${ENV}/jobs/web/rolling-update`, {
        ...change(),
        tag: 'quiet-v2',
      });
      expect(started.status).toBe(200);
      rollout = started.body.id;
      stream = `cj.${ENV}.rollout.${rollout}`;
      // The first task's new container has started: its health gate is open. Then the disk fills.
      const gateOpen = await waitUntil(
        async () => streamEvents(stream).map((e) => e.type),
        (types) => types.includes('RolloutContainerStarted'),
        120_000,
      );
      expect(gateOpen).toContain('RolloutContainerStarted');
      logFrom = orchestrator.log.length;
      fillDisk();
      filledAt = Date.now();

      const unwritable = await waitUntil(health, (h) => h.code === 503, 60_000);
      expect(unwritable.code).toBe(503);
      expect(unwritable.body.status).toBe('degraded');
      expect(unwritable.body.reasons?.join('\n')).toMatch(/the event log cannot be written .*disk .* is full/);
    });

    it('marks what status shows as stale when a container stops and the log cannot take it', async () => {
      const before = (await orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status?job=api`)).body
        .tasks[0];
      expect(before.observed?.state).toBe('running');
      await new Docker({ socketPath: fake.hosts[0].socketPath })
        .getContainer(before.observed!.containerId)
        .stop({ t: 1 });
      const stale = await waitUntil(
        async () => (await orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status?job=api`)).body.tasks[0],
        (task) => task.observed?.stale === true,
        60_000,
      );
      expect(stale.observed).toEqual(expect.objectContaining({ state: 'running', stale: true }));
      const shown = await cj('status', 'api');
      expect(shown.code).toBe(0);
      expect(shown.stdout.split('\n')[1]).toMatch(/ running \(stale: \d+s old\) +healthy \(stale\) /);
    });

    it('does not roll back the healthy release: the rollout waits past its healthy deadline and ends succeeded once space is back', async () => {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, filledAt + OUTAGE_MS - Date.now())));
      const during = streamEvents(stream).map((e) => e.type);
      freeDisk();
      expect(during).not.toContain('TaskUpdateFailed');

      const ended = await waitUntil(
        async () => (await orchestrator.request<RolloutView>('GET', `/v1/envs/${ENV}/rollouts/${rollout}`)).body,
        (view) => ['succeeded', 'rolled-back', 'failed', 'aborted'].includes(view.phase),
        180_000,
      );
      expect({ phase: ended.phase, reason: ended.reason }).toEqual({ phase: 'succeeded', reason: undefined });
      const events = streamEvents(stream);
      expect(events.map((e) => e.type)).not.toContain('TaskUpdateFailed');
      expect(events.map((e) => e.type)).not.toContain('RolloutRollbackStarted');
      const waited = events.filter((e) => e.type === 'RolloutWaitedOnStore');
      expect(waited.length).toBeGreaterThanOrEqual(1);
      expect(
        Math.max(...waited.map((e) => (e.data['to'] as number) - (e.data['from'] as number))),
      ).toBeGreaterThanOrEqual(OUTAGE_MS - 2_000);
    });

    it('logs the outage in the driver once when it starts and once when it ends, not per retry', () => {
      const driverLines = orchestrator.log
        .slice(logFrom)
        .split('\n')
        .filter((line) => line.includes('"context":"rollouts"'));
      // A second, short outage (the disk refilled by nothing else here) would add two lines at most.
      expect(driverLines.length).toBeLessThanOrEqual(4);
      expect(driverLines.filter((line) => line.includes('refuses the rollout')).length).toBe(1);
      expect(driverLines.filter((line) => line.includes('takes the rollout')).length).toBe(1);
    });
  });

  it('answers /healthz 200 again once the log can be written', async () => {
    const answer = await waitUntil(health, (h) => h.code === 200, 60_000);
    expect(answer).toEqual({ code: 200, body: expect.objectContaining({ status: 'ok' }) });
  });

  it('shows the stopped container as it is once the log takes what observation saw', async () => {
    const task = await waitUntil(
      async () => (await orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status?job=api`)).body.tasks[0],
      (t) => t.observed?.state !== 'running' && t.observed?.stale !== true,
      60_000,
    );
    expect(task.observed).toEqual(expect.objectContaining({ state: 'exited' }));
    expect(task.observed?.stale).toBeUndefined();
  });
});
