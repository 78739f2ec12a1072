import '../testing/testcontainers-env';
import type { HealthCheck } from '@cj/api';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { DockerRuntime } from '../runtime/docker-runtime';
import { ensureDemoImages, freePort } from '../testing';
import { ProbeTargetIncomplete } from './container-probes';
import { probeUntil } from './probe-until';
import { TaskHealthProbe } from './task-health-probe';

jest.setTimeout(60_000);

const timing = { interval: 200, timeout: 1_000, retries: 2 };
const serve = ['sh', '-c', `trap 'exit 0' TERM; httpd -f -p $PORT -h /www & echo serving on $PORT; wait`];

async function startDemo(tag: string, port: number): Promise<StartedTestContainer> {
  return new GenericContainer(`cj-demo:${tag}`)
    .withNetworkMode('host')
    .withEnvironment({ PORT: String(port) })
    .withCommand(serve)
    .withWaitStrategy(Wait.forLogMessage(`serving on ${port}`))
    .start();
}

describe('TaskHealthProbe against the demo service (testcontainers)', () => {
  const probe = new TaskHealthProbe();
  const runtime = new DockerRuntime({ name: 'local', endpoint: 'unix:///var/run/docker.sock', address: '127.0.0.1' });
  let healthy: StartedTestContainer;
  let unhealthy: StartedTestContainer;
  let healthyPort: number;
  let unhealthyPort: number;

  beforeAll(async () => {
    await ensureDemoImages();
    [healthyPort, unhealthyPort] = [await freePort(), await freePort()];
    [healthy, unhealthy] = await Promise.all([startDemo('v1', healthyPort), startDemo('unhealthy', unhealthyPort)]);
  });

  afterAll(async () => {
    await Promise.all([healthy?.stop(), unhealthy?.stop()]);
  });

  const http = (path: string, expectStatus = 200): HealthCheck => ({ type: 'http', path, expectStatus, ...timing });

  it('HTTP: healthy on the expected status, unhealthy on another', async () => {
    expect(await probe.probe(http('/health'), { address: '127.0.0.1', port: healthyPort })).toEqual({
      healthy: true,
      detail: `GET http://127.0.0.1:${healthyPort}/health: HTTP 200`,
    });
    expect(await probe.probe(http('/health'), { address: '127.0.0.1', port: unhealthyPort })).toEqual({
      healthy: false,
      detail: `GET http://127.0.0.1:${unhealthyPort}/health: HTTP 404, expected 200`,
    });
  });

  it('HTTP and TCP: unhealthy when nothing listens', async () => {
    const port = await freePort();
    expect(await probe.probe(http('/health'), { address: '127.0.0.1', port })).toMatchObject({
      healthy: false,
      detail: expect.stringContaining('ECONNREFUSED'),
    });
    expect(await probe.probe({ type: 'tcp', ...timing }, { address: '127.0.0.1', port })).toEqual({
      healthy: false,
      detail: `tcp 127.0.0.1:${port}: ECONNREFUSED`,
    });
    expect(await probe.probe({ type: 'tcp', ...timing }, { address: '127.0.0.1', port: healthyPort })).toMatchObject({
      healthy: true,
    });
  });

  it('exec: the exit code of a command in the container decides', async () => {
    const container = { runtime, id: healthy.getId() };
    const target = { address: '127.0.0.1', port: healthyPort, container };
    expect(
      await probe.probe({ type: 'exec', command: ['test', '-f', '/www/health'], ...timing }, target),
    ).toMatchObject({ healthy: true });
    expect(
      await probe.probe({ type: 'exec', command: ['sh', '-c', 'echo broken >&2; exit 1'], ...timing }, target),
    ).toEqual({
      healthy: false,
      detail: 'exec sh -c echo broken >&2; exit 1: exit 1: broken',
    });
    await expect(
      probe.probe({ type: 'exec', command: ['true'], ...timing }, { address: '127.0.0.1', port: healthyPort }),
    ).rejects.toBeInstanceOf(ProbeTargetIncomplete);
  });

  it("docker: follows the image's HEALTHCHECK", async () => {
    const patient: HealthCheck = { type: 'docker', interval: 250, timeout: 1_000, retries: 40 };
    const good = await probeUntil(probe, patient, {
      address: '127.0.0.1',
      port: healthyPort,
      container: { runtime, id: healthy.getId() },
    });
    expect(good).toMatchObject({ healthy: true, detail: 'docker HEALTHCHECK: healthy' });
    const brief: HealthCheck = { type: 'docker', interval: 100, timeout: 1_000, retries: 3 };
    const bad = await probeUntil(probe, brief, {
      address: '127.0.0.1',
      port: unhealthyPort,
      container: { runtime, id: unhealthy.getId() },
    });
    expect(bad).toMatchObject({ healthy: false, attempts: 4 });
  });

  it('probeUntil gives up after the retries, interval apart', async () => {
    const started = Date.now();
    const outcome = await probeUntil(probe, http('/health'), { address: '127.0.0.1', port: unhealthyPort });
    expect(outcome).toMatchObject({ healthy: false, attempts: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * timing.interval);
  });
});
