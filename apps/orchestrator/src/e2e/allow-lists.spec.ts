import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ApiProblem } from '@cj/api';
import { ensureDemoImages, startFakeHosts, type FakeHosts } from '@cj/docker-adapter/testing';
import { freePort, OrchestratorProcess, waitUntil } from '../testing';

jest.setTimeout(180_000);

const ENV = 'allow';
const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });

/**
 * Host paths and registries are what whoever runs the orchestrator allows (--allow-mount,
 * --allow-registry), never what a jobs file assumes: refusals are jobs-file errors at the line.
 */
describe('mount and registry allow-lists, on a fake host', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;
  let allowed: string;
  let scanned: Server;
  let scannedPort: number;
  let connections = 0;

  const file = (job: string, image = 'cj-demo:v1') => {
    const host = fake.hosts[0];
    return [
      `environment: ${ENV}`,
      'registry: 127.77.0.1:5000',
      'hosts:',
      `  ${host.name}: { endpoint: "${host.spec.endpoint}", address: ${host.spec.address} }`,
      'defaults:',
      '  restart: "no"',
      'jobs:',
      '  - name: writer',
      `    image: ${image}`,
      `    run_on_host: ${host.name}`,
      '    port: 18931',
      '    health: none',
      '    command: ["sh", "-c", "echo written-by-cj > /data/proof; exec sleep 600"]',
      job,
    ].join('\n');
  };
  const apply = (text: string) =>
    orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/apply`, {
      ...change(),
      jobs: { file: 'jobs.yaml', text },
    });

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(1);
    allowed = mkdtempSync(join(tmpdir(), 'cj-allowed-'));
    scannedPort = await freePort();
    scanned = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => scanned.listen(scannedPort, '127.0.0.1', resolve));
    orchestrator = await OrchestratorProcess.start({
      extraArgs: ['--allow-mount', `${allowed}:rw`, '--allow-mount', '/srv/read-only'],
      readyTimeoutMs: 90_000,
    });
  });

  afterAll(async () => {
    await orchestrator?.request('POST', `/v1/envs/${ENV}/jobs/writer/down`, change());
    await orchestrator?.stop();
    await fake?.stop();
    scanned?.close();
    rmSync(allowed, { recursive: true, force: true });
  });

  it.each([
    ['/', 'the orchestrator allows'],
    ['/etc', 'needs an allowance of its own'],
    ['/var/run/docker.sock', 'needs an allowance of its own'],
    ['/srv/read-only', 'may only be mounted read-only'],
  ])('refuses mounting %s at its mounts: line', async (source, message) => {
    const answer = await apply(file(`    mounts: ["${source}:/data"]\n`));
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({
        file: 'jobs.yaml',
        line: 14,
        column: 14,
        path: 'jobs[0].mounts[0]',
        message: expect.stringContaining(message),
      }),
    ]);
  });

  it('refuses an image from an undeclared host:port at its image: line, without connecting there', async () => {
    const answer = await apply(file('', `127.0.0.1:${scannedPort}/probe:v1`));
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({
        line: 9,
        column: 12,
        path: 'jobs[0].image',
        message: expect.stringContaining(
          `comes from 127.0.0.1:${scannedPort}, which is not a registry of this environment`,
        ),
      }),
    ]);
    expect(connections).toBe(0);
  });

  it('runs a job with an allowed read-write mount, and the container really writes there', async () => {
    const applied = await apply(file('    mounts: [{ source: "' + allowed + '/web", target: /data }]\n'));
    expect(applied.status).toBe(200);
    expect((await orchestrator.request('POST', `/v1/envs/${ENV}/jobs/writer/up`, change())).status).toBe(200);
    const proof = join(allowed, 'web', 'proof');
    await waitUntil(
      async () => existsSync(proof),
      (written) => written,
      30_000,
    );
    expect(readFileSync(proof, 'utf8')).toBe('written-by-cj\n');
  });
});
