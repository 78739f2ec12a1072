import type { ContainerRuntime } from '@cj/domain';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { request } from 'undici';
import { removeReplaced } from '../hygiene/remove-replaced';
import { demoImage, ensureDemoImages, waitFor, startFakeHosts, type FakeHosts } from '../testing';
import { DockerRuntime } from './docker-runtime';
import { taskSpec } from '../testing/task-spec';

jest.setTimeout(90_000);

const env = 'fake';
const port = 18080;

describe('DockerRuntime on fake hosts', () => {
  let fake: FakeHosts;
  let runtimes: DockerRuntime[];
  let dataRoot: string;

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(2);
    dataRoot = mkdtempSync(join(tmpdir(), 'cj-data-'));
    runtimes = fake.hosts.map(
      (h) => new DockerRuntime(h.spec, { standardConfig: { dataRoot, logMaxSize: '64k', logMaxFiles: 2 } }),
    );
  });

  afterAll(async () => {
    await fake?.stop();
    if (dataRoot) rmSync(dataRoot, { recursive: true, force: true });
  });

  it('is one engine per host, each its own machine', async () => {
    const infos = await Promise.all(runtimes.map((r) => r.engineInfo()));
    expect(infos.map((i) => i.name)).toEqual(fake.hosts.map((h) => h.name));
  });

  it('runs one task per host on the same port, each reached at its host address', async () => {
    const versions = ['v1', 'v2'] as const;
    await Promise.all(
      runtimes.map(async (runtime, i) => {
        await runtime.ensureImage(demoImage(versions[i]));
        const c = await runtime.create(taskSpec({ env, job: 'web', task: i, image: demoImage(versions[i]), port }));
        await runtime.start(c.id);
      }),
    );
    for (const [i, host] of fake.hosts.entries()) {
      await waitFor(
        `${host.name} serves ${versions[i]}`,
        async () => (await get(`http://${host.address}:${port}/version`)) === `${versions[i]}\n`,
      );
    }
  });

  it('bounds the json log of a container that floods stdout', async () => {
    const runtime = runtimes[0];
    const c = await runtime.create(
      taskSpec({
        env,
        job: 'flood',
        image: demoImage('v1'),
        port: 18081,
        command: ['sh', '-c', 'yes 0123456789012345678901234567890123456789 | head -c 20000000; sleep 60'],
      }),
    );
    await runtime.start(c.id);
    await waitFor('the flood to end', async () => (await runtime.exec(c.id, ['pidof', 'head'])).exitCode !== 0);
    // The engine's log files live in the host's data-root, on this machine for a fake host.
    const dir = join(dirname(fake.hosts[0].socketPath), 'data', 'containers', c.id);
    const logs = readdirSync(dir).filter((f) => f.startsWith(`${c.id}-json.log`));
    const total = logs.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    // 20 MB were written: the log rotated, and two files of at most 64 KiB are kept (the current one
    // may have just begun; the rotated one is full, give or take the line that crossed the bound).
    expect(logs.sort()).toEqual([`${c.id}-json.log`, `${c.id}-json.log.1`]);
    expect(total).toBeLessThan(2 * 64 * 1024 + 4096);
    expect(statSync(join(dir, `${c.id}-json.log.1`)).size).toBeGreaterThan(60 * 1024);
  });

  it('reaps an orphaned child (init), so no zombie stays', async () => {
    const runtime = runtimes[1];
    // The orphan is re-parented to PID 1. Without an init, PID 1 is `sleep` and never reaps it.
    const c = await runtime.create(
      taskSpec({
        env,
        job: 'forker',
        image: demoImage('v1'),
        port: 18082,
        command: ['sh', '-c', '(sleep 0.2 &); exec sleep 60'],
      }),
    );
    await runtime.start(c.id);
    await new Promise((r) => setTimeout(r, 1_000));
    const states = await runtime.exec(c.id, ['sh', '-c', 'for s in /proc/[0-9]*/stat; do cut -d" " -f2,3 "$s"; done']);
    expect(states.stdout).toMatch(/\(sleep\) S/);
    expect(states.stdout).not.toMatch(/ Z$/m);
  });

  it('follows the logs of a task until told to stop', async () => {
    const runtime = runtimes[1];
    const c = await runtime.create(
      taskSpec({
        env,
        job: 'ticker',
        image: demoImage('v1'),
        port: 18083,
        command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done'],
      }),
    );
    await runtime.start(c.id);
    const abort = new AbortController();
    const seen: string[] = [];
    for await (const line of runtime.followLogs(c.id, { signal: abort.signal })) {
      seen.push(line.text);
      if (seen.length === 5) abort.abort();
    }
    expect(seen).toEqual(['tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5']);
  });

  it('removes replaced containers beyond the retention, newest kept, running untouched', async () => {
    const runtime: ContainerRuntime = runtimes[0];
    const ids: string[] = [];
    for (const revision of [1, 2, 3, 4]) {
      const c = await runtime.create(taskSpec({ env, job: 'rolled', revision, image: demoImage('v1'), port: 18090 }));
      await runtime.start(c.id);
      if (revision < 4) await runtime.stop(c.id, 5);
      ids.push(c.id);
    }
    const other = await runtime.create(
      taskSpec({ env, job: 'rolled', task: 1, revision: 1, image: demoImage('v1'), port: 18091 }),
    );

    const removed = await removeReplaced(runtime, { env, job: 'rolled', keep: 1 });
    expect(removed.map((c) => c.revision).sort()).toEqual([1, 2]);
    const left = await runtime.list({ env, job: 'rolled' });
    expect(left.map((c) => c.id).sort()).toEqual([ids[2], ids[3], other.id].sort());
  });
});

async function get(url: string): Promise<string | undefined> {
  try {
    const response = await request(url, { headersTimeout: 1_000, bodyTimeout: 1_000 });
    return await response.body.text();
  } catch {
    return undefined;
  }
}
