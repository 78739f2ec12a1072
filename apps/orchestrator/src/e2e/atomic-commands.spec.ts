/**
 * "One command, one atomic write": a command that answers an error has written nothing, and no two
 * events of the log share an id. The store lives on a small tmpfs of the test's own, filled to the
 * last page, so the disk is really full; the orchestrator is the built binary on fake hosts.
 */
import type { ReplicateResponse, RolloutView } from '@cj/api';
import { ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rolloutJobsFile } from '../rollouts/testing/rollout-jobs-file';
import { OrchestratorProcess, waitUntil } from '../testing';

jest.setTimeout(600_000);

const ENV = 'atomic';
const PORT = 18680;
const PAGE = 4096;
const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });

describe('one command, one atomic write (store on a full disk)', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;
  let disk: string;
  let store: string;
  let filler: number | undefined;

  /** Every event in the log: type, id and actor, read straight from the store file. */
  const events = (): { type: string; id: string; actor: string }[] => {
    const db = new Database(store, { readonly: true, fileMustExist: true });
    try {
      return (
        db.prepare('SELECT type, event_id AS id, metadata FROM events ORDER BY position').all() as {
          type: string;
          id: string;
          metadata: string | null;
        }[]
      ).map((row) => ({
        type: row.type,
        id: row.id,
        actor: (JSON.parse(row.metadata ?? '{}') as { actor?: string }).actor ?? '',
      }));
    } finally {
      db.close();
    }
  };
  /** What people asked for (the observation loop's own events may come at any time). */
  const requested = () => events().filter((event) => event.actor !== 'orchestrator');

  /** Fills the tmpfs to its last page, then gives `pages` pages back. The WAL is emptied first, so writes need new pages. */
  function fillDisk(pages: number): void {
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
    ftruncateSync(filler, Math.max(0, size - pages * PAGE));
  }

  function freeDisk(): void {
    if (filler === undefined) return;
    closeSync(filler);
    filler = undefined;
    rmSync(join(disk, 'filler'), { force: true });
  }

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(1);
    disk = mkdtempSync(join(tmpdir(), 'cj-full-disk-'));
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
          tag: 'v1',
          hosts: [host.name],
          replicas: 1,
          port: PORT,
          update: { max_parallel: 1, min_healthy_time: '200ms' },
        },
        { name: 'api', tag: 'v1', hosts: [host.name], replicas: 1, port: PORT + 1 },
        { name: 'worker', tag: 'v1', hosts: [host.name], replicas: 1, port: PORT + 2 },
      ],
    );
    expect(
      (await orchestrator.request('POST', `/v1/envs/${ENV}/apply`, { ...change(), jobs: { file: 'jobs.yaml', text } }))
        .status,
    ).toBe(200);
    expect((await orchestrator.request('POST', `/v1/envs/${ENV}/jobs/web/up`, change())).status).toBe(200);
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

  afterEach(freeDisk);

  it('gives no two events of the log the same id, though one apply writes many streams', () => {
    const ids = events().map((event) => event.id);

    expect(ids.length).toBeGreaterThanOrEqual(5);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a rolling update the store cannot take whole, and records none of it, wherever the disk runs out', async () => {
    let refused = 0;
    let tag = 'v2';
    // The disk is left with 0, 1, 2, … free pages: at some point the command's events fit in part.
    for (let pages = 0; pages <= 12; pages++) {
      await waitUntil(
        async () => (await orchestrator.request<RolloutView[]>('GET', `/v1/envs/${ENV}/rollouts`)).body,
        (rollouts) => rollouts.every((r) => !['running', 'rolling-back', 'aborting'].includes(r.phase)),
        60_000,
      );
      fillDisk(pages);
      const before = requested();
      const answer = await orchestrator.request<RolloutView>('POST', `/v1/envs/${ENV}/jobs/web/rolling-update`, {
        ...change(),
        tag,
      });
      if (answer.status >= 400) {
        refused++;
        expect(requested()).toEqual(before);
        freeDisk();
        continue;
      }
      // Taken whole: the revision and the rollout's start are both in the log; it ends once the disk has room.
      const added = requested()
        .slice(before.length)
        .map((event) => event.type);
      expect(added).toEqual(expect.arrayContaining(['JobRolloutStarted']));
      freeDisk();
      await waitUntil(
        () => orchestrator.request<RolloutView>('GET', `/v1/envs/${ENV}/rollouts/${answer.body.id}`),
        (view) => view.status === 200 && ['succeeded', 'rolled-back', 'failed', 'aborted'].includes(view.body.phase),
        60_000,
      );
      tag = tag === 'v2' ? 'v1' : 'v2';
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('refuses an apply of three new jobs on a full disk, recording nothing', async () => {
    const [host] = fake.hosts;
    const text = rolloutJobsFile(
      ENV,
      [host.spec],
      [
        { name: 'web', tag: 'v1', hosts: [host.name], replicas: 1, port: PORT },
        { name: 'api', tag: 'v1', hosts: [host.name], replicas: 1, port: PORT + 1 },
        { name: 'worker', tag: 'v1', hosts: [host.name], replicas: 1, port: PORT + 2 },
        ...['a', 'b', 'c'].map((name, i) => ({
          name: `new-${name}`,
          tag: 'v1',
          hosts: [host.name],
          replicas: 1,
          port: PORT + 10 + i,
        })),
      ],
    );
    for (let pages = 0; pages <= 6; pages++) {
      fillDisk(pages);
      const before = requested();
      const answer = await orchestrator.request('POST', `/v1/envs/${ENV}/apply`, {
        ...change(),
        jobs: { file: 'jobs.yaml', text },
      });
      const after = requested();
      freeDisk();
      if (answer.status < 400) {
        expect(after.filter((event) => event.type === 'JobRegistered')).toHaveLength(
          before.filter((event) => event.type === 'JobRegistered').length + 3,
        );
        return;
      }
      expect(after).toEqual(before);
    }
  });

  it('refuses a replicate the store cannot take whole (its host, every job), recording nothing', async () => {
    const [host] = fake.hosts;
    let refused = 0;
    for (let pages = 0; pages <= 8; pages++) {
      fillDisk(pages);
      const before = requested();
      const answer = await orchestrator.request<ReplicateResponse>('POST', `/v1/envs/${ENV}/replicate`, {
        ...change(),
        targetEnv: `${ENV}-copy`,
        hosts: { [host.name]: host.name },
      });
      const after = requested();
      freeDisk();
      if (answer.status < 400) {
        const added = after.slice(before.length).map((event) => event.type);
        expect(added.filter((type) => type === 'HostDeclared')).toHaveLength(1);
        expect(added.filter((type) => type === 'JobRegistered')).toHaveLength(answer.body.jobs.length);
        expect(answer.body.jobs.length).toBeGreaterThanOrEqual(3);
        break;
      }
      refused++;
      expect(after).toEqual(before);
    }
    expect(refused).toBeGreaterThan(0);
  });
});
