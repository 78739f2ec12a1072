import { rmSync } from 'node:fs';
import { HostUnreachable } from '../errors';
import {
  demoImage,
  ensureDemoImages,
  makeTlsMaterial,
  startFakeHosts,
  waitFor,
  type FakeHosts,
  type TlsMaterial,
} from '../testing';
import { DockerRuntime } from './docker-runtime';
import { taskSpec } from '../testing/task-spec';

jest.setTimeout(90_000);

describe('DockerRuntime over tcp:// with TLS', () => {
  let fake: FakeHosts;
  let tls: TlsMaterial;

  beforeAll(async () => {
    await ensureDemoImages();
    // Host numbers are claimed per block of ten; the certificate must name every address it may get.
    tls = await makeTlsMaterial(Array.from({ length: 250 }, (_, i) => `127.77.${i + 1}.2`));
    fake = await startFakeHosts(1, { tls: tls.dir });
  });

  afterAll(async () => {
    await fake?.stop();
    if (tls) rmSync(tls.dir, { recursive: true, force: true });
  });

  it('runs a container on a host reached with client certificates', async () => {
    const host = fake.hosts[0];
    const runtime = new DockerRuntime({
      name: host.name,
      endpoint: host.tlsEndpoint!,
      address: host.address,
      tls: tls.client,
    });
    expect((await runtime.engineInfo()).name).toBe(host.name);
    await runtime.ensureImage(demoImage('v1'));
    const c = await runtime.create(taskSpec({ env: 'tls', image: demoImage('v1'), port: 18080 }));
    await runtime.start(c.id);
    await waitFor('running', async () => (await runtime.inspect(c.id)).state === 'running');
    expect((await runtime.exec(c.id, ['cat', '/www/version'])).stdout).toBe('v1\n');
  });

  it('is unreachable without a client certificate the engine trusts', async () => {
    const host = fake.hosts[0];
    const runtime = new DockerRuntime(
      {
        name: host.name,
        endpoint: host.tlsEndpoint!,
        address: host.address,
        tls: { ...tls.client, cert: tls.server.cert, key: tls.server.key },
      },
      { connectTimeoutMs: 3_000 },
    );
    await expect(runtime.engineInfo()).rejects.toBeInstanceOf(HostUnreachable);
  });
});
