import {
  RateLimited,
  RegistryClient,
  RegistryProtocolError,
  RegistryUnreachable,
  type RegistryClientOptions,
} from '../index';
import {
  freeLoopbackPort,
  pushDemoImages,
  startFaultProxy,
  startRegistryServer,
  type DemoImages,
  type RegistryServer,
} from '../testing';

describe('transient failures, timeouts and rate limits', () => {
  let registry: RegistryServer;
  let images: DemoImages;
  const clients: RegistryClient[] = [];
  const client = (options: Partial<RegistryClientOptions> & { registry: string }) => {
    const created = new RegistryClient({ dockerConfigPath: false, retryBaseDelayMs: 20, ...options });
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    registry = await startRegistryServer();
    images = await pushDemoImages(registry.url, 2);
  });

  afterAll(async () => {
    await Promise.all(clients.map((each) => each.close()));
    await registry?.stop();
  });

  it('retries 5xx answers with backoff and then succeeds', async () => {
    const proxy = await startFaultProxy({ target: registry.url, failFirst: 2, failStatus: 503 });
    try {
      const info = await client({ registry: proxy.host, retries: 3 }).resolve('demo', 'v1');

      expect(info.digest).toBe(images.demo.v1.digest);
      expect(proxy.requests.slice(0, 3)).toEqual(Array(3).fill('HEAD /v2/demo/manifests/v1'));
    } finally {
      await proxy.stop();
    }
  });

  it('gives up after the last retry and says how often it tried', async () => {
    const proxy = await startFaultProxy({ target: registry.url, failFirst: 10, failStatus: 502 });
    try {
      const failure = client({ registry: proxy.host, retries: 2 }).listTags('demo');

      await expect(failure).rejects.toThrow(RegistryUnreachable);
      await expect(failure).rejects.toThrow('GET /v2/demo/tags/list?n=100 answered HTTP 502 (after 3 attempts)');
      expect(proxy.requests).toHaveLength(3);
    } finally {
      await proxy.stop();
    }
  });

  it('never retries a 4xx answer', async () => {
    const proxy = await startFaultProxy({ target: registry.url, failFirst: 1, failStatus: 400 });
    try {
      await expect(client({ registry: proxy.host, retries: 3 }).listTags('demo')).rejects.toThrow(
        RegistryProtocolError,
      );
      expect(proxy.requests).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  it('reports rate limiting with the wait the registry asked for', async () => {
    const proxy = await startFaultProxy({
      target: registry.url,
      failFirst: 1,
      failStatus: 429,
      failHeaders: { 'retry-after': '7' },
    });
    try {
      const failure = client({ registry: proxy.host }).listTags('demo');

      await expect(failure).rejects.toThrow(RateLimited);
      await expect(failure).rejects.toMatchObject({ retryAfterSeconds: 7, code: 'RATE_LIMITED', repository: 'demo' });
      expect(proxy.requests).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  it('times out a registry that does not answer, retrying within the limit', async () => {
    const proxy = await startFaultProxy({ target: registry.url, delayMs: 5_000 });
    try {
      const started = Date.now();
      const failure = client({ registry: proxy.host, timeoutMs: 150, retries: 1 }).listTags('demo');

      await expect(failure).rejects.toThrow('no answer within 150 ms (after 2 attempts)');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(proxy.requests).toHaveLength(2);
    } finally {
      await proxy.stop();
    }
  });

  it('reports a registry nobody listens for', async () => {
    const port = await freeLoopbackPort();
    const failure = client({ registry: `127.0.0.1:${port}`, retries: 1 }).listRepositories();

    await expect(failure).rejects.toThrow(RegistryUnreachable);
    await expect(failure).rejects.toThrow(`ECONNREFUSED`);
    await expect(failure).rejects.toThrow(`(registry 127.0.0.1:${port})`);
  });
});
