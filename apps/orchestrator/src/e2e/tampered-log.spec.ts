/**
 * Tamper evidence through the built orchestrator: a log cj wrote verifies (`GET …/audit/verify`,
 * `cj audit verify` exit 0); a copy of it with a revision rewritten in plain SQL is refused at
 * start, with the stream and revision named, and `cj audit verify` names it too when the log is
 * altered under a running orchestrator. `cj admin backup` copies the live store whole; `cj admin verify`
 * compares the read models with a replay of the log.
 */
import type { LogVerification } from '@cj/api';
import { ensureDemoImages } from '@cj/docker-adapter/testing';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the real `cj` binary is what an operator runs; its test runner is the CLI's test-only helper
import { runCj } from '../../../cli/src/testing/cli';
import { openSqliteEventStore } from '@cj/event-store';
import { verifyChains } from '../store/hash-chain';
import { ORCHESTRATOR_BIN, OrchestratorProcess } from '../testing';

jest.setTimeout(240_000);

const ENV = 'tamper';

describe('a log altered outside cj', () => {
  let dir: string;
  let orchestrator: OrchestratorProcess;

  const apply = (name: string, tag: string) =>
    orchestrator.request('POST', `/v1/envs/${ENV}/apply`, {
      actor: 'ana@laptop',
      reason: `release ${tag}`,
      commandId: randomUUID(),
      jobs: {
        file: 'jobs.yaml',
        text: `environment: ${ENV}\nregistry: 127.77.0.1:5000\nhosts:\n  h1: unix:///var/run/docker.sock\njobs:\n  ${name}:\n    image: cj-demo:${tag}\n    run_on_host: h1\n    port: 18695\n`,
      },
    });

  beforeAll(async () => {
    await ensureDemoImages();
    dir = mkdtempSync(join(tmpdir(), 'cj-tamper-'));
    orchestrator = await OrchestratorProcess.start({
      store: join(dir, 'cj.db'),
      readDb: join(dir, 'read.db'),
      readyTimeoutMs: 90_000,
    });
    expect((await apply('web', 'v1')).status).toBe(200);
    expect((await apply('web', 'v2')).status).toBe(200);
  });

  afterAll(async () => {
    await orchestrator?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a log cj wrote verifies', async () => {
    const report = (await orchestrator.request<LogVerification>('GET', `/v1/envs/${ENV}/audit/verify`)).body;
    expect(report).toMatchObject({ ok: true, problems: [], unchained: 0 });
    expect(report.events).toBeGreaterThanOrEqual(3);
    const cli = await runCj(['audit', 'verify'], { url: orchestrator.url, env: ENV });
    expect(cli).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^The log verifies: \d+ events in \d+ streams, every chain intact\.\n$/),
    });
  });

  it('a copy with a revision rewritten (tag, digest, actor, reason) is refused at start, naming it', async () => {
    const copy = join(dir, 'copy.db');
    const live = new Database(join(dir, 'cj.db'));
    live.pragma('wal_checkpoint(TRUNCATE)');
    live.close();
    copyFileSync(join(dir, 'cj.db'), copy);
    const db = new Database(copy);
    const changed = db
      .prepare(
        `UPDATE events SET data = json_set(data, '$.spec.image.tag', 'evil', '$.spec.image.digest', 'sha256:${'e'.repeat(64)}'),
                           metadata = json_set(metadata, '$.actor', 'bo@desk', '$.reason', 'routine')
         WHERE stream_id = 'cj.${ENV}.job.web' AND type = 'JobRevisionCreated'`,
      )
      .run().changes;
    db.close();
    expect(changed).toBe(1);

    const child = spawn(
      process.execPath,
      [ORCHESTRATOR_BIN, '--store', copy, '--read-db', join(dir, 'copy.read.db'), '--listen', '127.0.0.1:0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        `^cj-orchestrator: the event log fails verification in 1 stream; first: cj\\.${ENV}\\.job\\.web@1 \\(position \\d+, JobRevisionCreated\\) was altered`,
        'm',
      ),
    );
  });

  it('cj admin backup copies the live store by SQLite online backup: every event, chains intact; never over a file', async () => {
    const path = join(dir, 'backup.db');
    const backup = await runCj(['admin', 'backup', path], { url: orchestrator.url, env: ENV });
    expect(backup).toMatchObject({ code: 0, stdout: `Backed up the event store to ${path}.\n` });
    const copy = openSqliteEventStore(path);
    const live = new Database(join(dir, 'cj.db'), { readonly: true });
    try {
      const events = await copy.readAll();
      expect(events.length).toBe((live.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n);
      expect(await verifyChains(copy, 'cj.')).toMatchObject({ problems: [], unchained: 0 });
    } finally {
      await copy.close();
      live.close();
    }
    const again = await runCj(['admin', 'backup', path], { url: orchestrator.url, env: ENV });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^cj: .*already exists/);
  });

  it('cj admin verify compares the read models with a replay of the log: equal, then a row altered under it named, then put right by a rebuild', async () => {
    const clean = await runCj(['admin', 'verify'], { url: orchestrator.url, env: ENV });
    expect(clean).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(
        /^The read models match a replay of the log \(\d+ events, up to position \d+\)\.\n$/,
      ),
    });

    const read = new Database(join(dir, 'read.db'));
    read.prepare(`UPDATE jobs SET current_revision = 7 WHERE env = ? AND job = 'web'`).run(ENV);
    read.close();
    const altered = await runCj(['admin', 'verify'], { url: orchestrator.url, env: ENV });
    expect(altered.code).toBe(1);
    expect(altered.stdout).toMatch(
      /^The read models differ from a replay of the log .*:\n {2}jobs\.jobs: 1 row only live, 1 only in the replay\n {4}live: {3}\{.*"current_revision":7/,
    );

    expect((await orchestrator.request('POST', '/v1/admin/rebuild-projections')).status).toBe(200);
    expect((await runCj(['admin', 'verify'], { url: orchestrator.url, env: ENV })).code).toBe(0);
  });

  it('altered under a running orchestrator, cj audit verify names it and exits 1', async () => {
    const db = new Database(join(dir, 'cj.db'));
    db.prepare(`DELETE FROM events WHERE stream_id = 'cj.${ENV}.job.web' AND revision = 0`).run();
    db.close();
    const cli = await runCj(['audit', 'verify'], { url: orchestrator.url, env: ENV });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(
      new RegExp(
        `^The log fails verification in 1 stream:\\n {2}missing-revision: cj\\.${ENV}\\.job\\.web: revision 0 is missing`,
      ),
    );
  });
});
