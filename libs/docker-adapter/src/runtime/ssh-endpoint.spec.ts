import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { HostUnreachable } from '../errors';
import { demoImage, ensureDemoImages, startFakeHosts, startSshServer, waitFor, type FakeHost, type FakeHosts, type SshServer } from '../testing';
import { taskSpec } from '../testing/task-spec';
import { DockerRuntime } from './docker-runtime';
import type { SshOptions } from './endpoint';

jest.setTimeout(90_000);

const port = 18080;
/** More sshds on the same host, whose sessions' Docker CLI finds no engine, or one that never answers. */
const BROKEN_PORT = 2222;
const SILENT_PORT = 2223;

describe('DockerRuntime over ssh://', () => {
  let fake: FakeHosts;
  let host: FakeHost;
  let sshd: SshServer;
  let keys: string;

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(1, { images: false });
    host = fake.hosts[0];
    sshd = await startSshServer(host);
    keys = mkdtempSync(join(tmpdir(), 'cj-other-key-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'cj other', '-f', join(keys, 'other')]);
  });

  afterAll(async () => {
    await sshd?.stop();
    await fake?.stop();
    if (keys) rmSync(keys, { recursive: true, force: true });
  });

  const runtime = (ssh: SshOptions, endpoint = sshd.endpoint, connectTimeoutMs = 3_000) =>
    new DockerRuntime({ name: host.name, endpoint, address: host.address }, { ssh, connectTimeoutMs });
  const trusted = (): SshOptions => ({ privateKey: sshd.clientKey, hostKey: sshd.hostKey });
  const otherKey = () => readFileSync(join(keys, 'other'), 'utf8');

  it('reaches the engine of the host it logs in to, the host key pinned', async () => {
    const info = await runtime(trusted()).engineInfo();
    expect(info).toMatchObject({ host: host.name, name: host.name });
  });

  it('pulls, creates, starts, execs, stops and removes a task whose port answers at the host address', async () => {
    const r = runtime(trusted());
    await r.ensureImage(demoImage('v1'));
    const c = await r.create(taskSpec({ env: 'ssh', image: demoImage('v1'), port }));
    expect(c).toMatchObject({ host: host.name, state: 'created', port });
    await r.start(c.id);
    await waitFor(`${host.address}:${port} serves v1`, async () => (await get(`http://${host.address}:${port}/version`)) === 'v1\n');
    expect(await r.exec(c.id, ['cat', '/www/version'])).toMatchObject({ exitCode: 0, stdout: 'v1\n' });
    await r.stop(c.id, 5);
    expect((await r.inspect(c.id)).state).toBe('exited');
    expect(await get(`http://${host.address}:${port}/version`)).toBeUndefined();
    await r.remove(c.id);
    expect(await r.list({ env: 'ssh' })).toEqual([]);
  });

  it('answers many calls at once, beyond the logins sshd lets wait (MaxStartups 10)', async () => {
    // Queued logins wait their turn inside the connect timeout: on a busy machine 16 take seconds.
    const r = runtime(trusted(), sshd.endpoint, 30_000);
    const infos = await Promise.all(Array.from({ length: 16 }, () => r.engineInfo()));
    expect(new Set(infos.map((i) => i.name))).toEqual(new Set([host.name]));
  });

  it('is unreachable, naming the refused login, with a key the host does not know', async () => {
    const failure = runtime({ privateKey: otherKey(), hostKey: sshd.hostKey }).engineInfo();
    await expect(failure).rejects.toBeInstanceOf(HostUnreachable);
    await expect(failure).rejects.toThrow(/ssh root@127\.77\.\d+\.2:22: login refused .*must be in root's authorized_keys/);
  });

  it('refuses a host whose key is not the pinned one', async () => {
    const failure = runtime({ privateKey: sshd.clientKey, hostKey: readFileSync(join(keys, 'other.pub'), 'utf8') }).engineInfo();
    await expect(failure).rejects.toBeInstanceOf(HostUnreachable);
    await expect(failure).rejects.toThrow(/the host's key is not the pinned one/);
  });

  it('is unreachable, naming the connection, where no sshd listens', async () => {
    const failure = runtime(trusted(), `ssh://root@${host.address}:2999`).engineInfo();
    await expect(failure).rejects.toBeInstanceOf(HostUnreachable);
    await expect(failure).rejects.toThrow(/cannot connect \(connect ECONNREFUSED 127\.77\.\d+\.2:2999\)/);
  });

  it("reports what dial-stdio said when the host's docker CLI cannot reach an engine", async () => {
    const broken = await startSshServer(host, { port: BROKEN_PORT, dockerHost: 'unix:///nonexistent/docker.sock' });
    try {
      const failure = runtime({ privateKey: broken.clientKey, hostKey: broken.hostKey }, broken.endpoint).engineInfo();
      await expect(failure).rejects.toBeInstanceOf(HostUnreachable);
      await expect(failure).rejects.toThrow(/`docker system dial-stdio` failed \(exit 1\) and said: .*\/nonexistent\/docker\.sock/);
    } finally {
      await broken.stop();
    }
  });

  it('gives up on a request the engine never answers, after the request timeout', async () => {
    // An "engine" that accepts connections and says nothing.
    const accepted = new Set<Socket>();
    const silent = createServer((socket: Socket) => accepted.add(socket.on('error', () => undefined)));
    const socketPath = join(keys, 'silent.sock');
    await new Promise<void>((resolve) => silent.listen(socketPath, resolve));
    const hung = await startSshServer(host, { port: SILENT_PORT, dockerHost: `unix://${socketPath}` });
    try {
      const r = new DockerRuntime(
        { name: host.name, endpoint: hung.endpoint, address: host.address },
        { ssh: { privateKey: hung.clientKey, hostKey: hung.hostKey }, requestTimeoutMs: 500, connectTimeoutMs: 20_000 },
      );
      const started = Date.now();
      await expect(r.engineInfo()).rejects.toBeInstanceOf(HostUnreachable);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await hung.stop();
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
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
