import type { HostSpec } from '@cj/api';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { HostUnreachable } from '../errors';
import {
  demoImage,
  ensureDemoImages,
  startFakeHosts,
  startSshServer,
  waitFor,
  type FakeHost,
  type FakeHosts,
  type SshServer,
} from '../testing';
import { taskSpec } from '../testing/task-spec';
import { DockerRuntime } from './docker-runtime';
import type { SshOptions } from './endpoint';
import { SshHostKeyRefused } from './ssh-failure';

jest.setTimeout(120_000);

const port = 18080;
/** More sshds on the same host, whose sessions' Docker CLI finds no engine, or one that never answers. */
const BROKEN_PORT = 2222;
const SILENT_PORT = 2223;
/** An sshd that is known by `[address]:port` in known_hosts. */
const OTHER_PORT = 2224;

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

  /** The host as the jobs file declares it: its key pinned, unless `spec` says otherwise. */
  const runtime = (ssh: SshOptions, spec: Partial<HostSpec> = {}, connectTimeoutMs = 30_000) =>
    new DockerRuntime(
      { name: host.name, endpoint: sshd.endpoint, address: host.address, sshHostKey: sshd.hostKey, ...spec },
      { ssh, connectTimeoutMs },
    );
  const login = (): SshOptions => ({ privateKey: sshd.clientKey });
  const otherKey = () => readFileSync(join(keys, 'other'), 'utf8');
  const otherPublicKey = () => readFileSync(join(keys, 'other.pub'), 'utf8');

  it('reaches the engine of the host it logs in to, the host key pinned', async () => {
    const info = await runtime(login()).engineInfo();
    expect(info).toMatchObject({ host: host.name, name: host.name });
  });

  it('pulls, creates, starts, execs, stops and removes a task whose port answers at the host address', async () => {
    const r = runtime(login());
    await r.ensureImage(demoImage('v1'));
    const c = await r.create(taskSpec({ env: 'ssh', image: demoImage('v1'), port }));
    expect(c).toMatchObject({ host: host.name, state: 'created', port });
    await r.start(c.id);
    await waitFor(
      `${host.address}:${port} serves v1`,
      async () => (await get(`http://${host.address}:${port}/version`)) === 'v1\n',
    );
    expect(await r.exec(c.id, ['cat', '/www/version'])).toMatchObject({ exitCode: 0, stdout: 'v1\n' });
    await r.stop(c.id, 5);
    expect((await r.inspect(c.id)).state).toBe('exited');
    expect(await get(`http://${host.address}:${port}/version`)).toBeUndefined();
    await r.remove(c.id);
    expect(await r.list({ env: 'ssh' })).toEqual([]);
  });

  it('answers many calls at once, beyond the logins sshd lets wait (MaxStartups 10)', async () => {
    // Queued logins wait their turn inside the connect timeout: on a busy machine 16 take seconds.
    const r = runtime(login(), {}, 75_000);
    const infos = await Promise.all(Array.from({ length: 16 }, () => r.engineInfo()));
    expect(new Set(infos.map((i) => i.name))).toEqual(new Set([host.name]));
  });

  it('is unreachable, naming the refused login, with a key the host does not know', async () => {
    const failure = runtime({ privateKey: otherKey() }).engineInfo();
    await expect(failure).rejects.toBeInstanceOf(HostUnreachable);
    await expect(failure).rejects.toThrow(
      /ssh root@127\.77\.\d+\.2:22: login refused .*must be in root's authorized_keys/,
    );
  });

  it('is unreachable, naming the connection, where no sshd listens', async () => {
    const failure = runtime(login(), { endpoint: `ssh://root@${host.address}:2999` }).engineInfo();
    await expect(failure).rejects.toBeInstanceOf(HostUnreachable);
    await expect(failure).rejects.toThrow(/cannot connect \(connect ECONNREFUSED 127\.77\.\d+\.2:2999\)/);
  });

  it("reports what dial-stdio said when the host's docker CLI cannot reach an engine", async () => {
    const broken = await startSshServer(host, { port: BROKEN_PORT, dockerHost: 'unix:///nonexistent/docker.sock' });
    try {
      const failure = runtime(
        { privateKey: broken.clientKey },
        { endpoint: broken.endpoint, sshHostKey: broken.hostKey },
      ).engineInfo();
      await expect(failure).rejects.toBeInstanceOf(HostUnreachable);
      await expect(failure).rejects.toThrow(
        /`docker system dial-stdio` failed \(exit 1\) and said: .*\/nonexistent\/docker\.sock/,
      );
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
        { name: host.name, endpoint: hung.endpoint, address: host.address, sshHostKey: hung.hostKey },
        { ssh: { privateKey: hung.clientKey }, requestTimeoutMs: 500, connectTimeoutMs: 20_000 },
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

  describe('checks the host key', () => {
    /** A known_hosts file of these lines, and the options that log in with it (the key pinned nowhere). */
    const knownHosts = (name: string, lines: readonly string[]) => {
      const path = join(keys, name);
      writeFileSync(path, lines.map((line) => `${line}\n`).join(''));
      return path;
    };
    const unpinned = (path: string, spec: Partial<HostSpec> = {}) =>
      runtime({ ...login(), knownHosts: path }, { sshHostKey: undefined, ...spec });
    /** What a refused connection was refused for. */
    const refusal = async (attempt: Promise<unknown>): Promise<SshHostKeyRefused> => {
      const error = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HostUnreachable);
      expect((error as Error).cause).toBeInstanceOf(SshHostKeyRefused);
      const cause = (error as Error).cause as SshHostKeyRefused;
      // The refusal says what to do; advice about dockerd would only mislead.
      expect((error as Error).message).toBe(
        `host ${host.name}: the Docker engine at ${(error as HostUnreachable).endpoint} cannot be reached: ${cause.message}`,
      );
      return cause;
    };
    const fingerprint = (pub: string) =>
      execFileSync('ssh-keygen', ['-l', '-f', '-'], { input: pub }).toString().split(' ')[1];

    it('trusts the key known_hosts has for the host, written plain or hashed', async () => {
      const path = knownHosts('plain', [
        '# lab hosts',
        `other.example ${otherPublicKey()}`,
        `${host.address},${host.name} ${sshd.hostKey}`,
      ]);
      expect(await unpinned(path).engineInfo()).toMatchObject({ name: host.name });
      execFileSync('ssh-keygen', ['-q', '-H', '-f', path], { stdio: 'ignore' });
      expect(readFileSync(path, 'utf8')).not.toContain(host.address);
      expect(await unpinned(path).engineInfo()).toMatchObject({ name: host.name });
    });

    it('knows a host on another port as [address]:port', async () => {
      const other = await startSshServer(host, { port: OTHER_PORT });
      try {
        const login = { privateKey: other.clientKey };
        const bracketed = knownHosts('bracketed', [`[${host.address}]:${OTHER_PORT} ${other.hostKey}`]);
        expect(
          await runtime(
            { ...login, knownHosts: bracketed },
            { endpoint: other.endpoint, sshHostKey: undefined },
          ).engineInfo(),
        ).toMatchObject({ name: host.name });
        const portless = knownHosts('portless', [`${host.address} ${other.hostKey}`]);
        const refused = await refusal(
          runtime({ ...login, knownHosts: portless }, { endpoint: other.endpoint, sshHostKey: undefined }).engineInfo(),
        );
        expect(refused.refusal).toBe('unknown');
        expect(refused.message).toContain(`ssh-keyscan -p ${OTHER_PORT} ${host.address} >> ${portless}`);
      } finally {
        await other.stop();
      }
    });

    it('refuses a host known nowhere, saying how to trust it; what it says to run makes the host known', async () => {
      const path = join(keys, 'known_hosts');
      const refused = await refusal(unpinned(path).engineInfo());
      expect(refused).toMatchObject({
        host: host.name,
        refusal: 'unknown',
        offered: `ssh-ed25519 ${fingerprint(sshd.hostKey)}`,
      });
      expect(refused.message).toBe(
        `host ${host.name} (${sshd.endpoint}): its ssh host key is unknown (it offers ssh-ed25519 ${fingerprint(sshd.hostKey)}); ` +
          `pin it with ssh_host_key in the hosts section, or add it to ${path} (ssh-keyscan -p 22 ${host.address} >> ${path}), ` +
          'once its fingerprint matches what `ssh-keygen -lf` shows on the host',
      );
      execFileSync('sh', ['-c', /\((ssh-keyscan [^)]+)\)/.exec(refused.message)![1]], { stdio: 'ignore' });
      expect(await unpinned(path).engineInfo()).toMatchObject({ name: host.name });
    });

    it('says that @cert-authority lines are not used', async () => {
      const path = knownHosts('ca', [`@cert-authority * ${otherPublicKey()}`]);
      const refused = await refusal(unpinned(path).engineInfo());
      expect(refused.refusal).toBe('unknown');
      expect(refused.message).toContain(
        `(${path}:1 is a @cert-authority line, which is ignored: host certificates are not checked, only host keys)`,
      );
    });

    it('refuses a key that is not the one known_hosts has, naming both', async () => {
      const path = knownHosts('changed', [`${host.address} ${otherPublicKey()}`]);
      const refused = await refusal(unpinned(path).engineInfo());
      expect(refused.refusal).toBe('changed');
      expect(refused.message).toBe(
        `host ${host.name} (${sshd.endpoint}): its ssh host key changed: it offers ssh-ed25519 ${fingerprint(sshd.hostKey)}, ` +
          `expected ssh-ed25519 ${fingerprint(otherPublicKey())} from ${path}:1; ` +
          `if the host was reinstalled, remove the old key (ssh-keygen -R '${host.address}' -f ${path}) and add the new one (ssh-keyscan -p 22 ${host.address} >> ${path}); ` +
          `if not, something else may be answering at ${host.address}:22`,
      );
    });

    it('refuses a key that is not the pinned one, whatever known_hosts says', async () => {
      const path = knownHosts('trusting', [`${host.address} ${sshd.hostKey}`]);
      const refused = await refusal(
        runtime({ ...login(), knownHosts: path }, { sshHostKey: otherPublicKey() }).engineInfo(),
      );
      expect(refused.refusal).toBe('changed');
      expect(refused.message).toMatch(
        /its ssh host key changed: it offers .*, expected ssh-ed25519 SHA256:\S+ from the ssh_host_key pinned in the hosts section; if the host was reinstalled, pin its new key with ssh_host_key/,
      );
    });

    it('refuses a key known_hosts marks @revoked, even where another line trusts it', async () => {
      const path = knownHosts('revoked', [`${host.address} ${sshd.hostKey}`, `@revoked * ${sshd.hostKey}`]);
      const refused = await refusal(unpinned(path).engineInfo());
      expect(refused.refusal).toBe('revoked');
      expect(refused.message).toContain(
        `its ssh host key ssh-ed25519 ${fingerprint(sshd.hostKey)} is marked @revoked at ${path}:2; give the host a new key`,
      );
    });
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
