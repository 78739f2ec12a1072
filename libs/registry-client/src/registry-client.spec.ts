import {
  ManifestNotFound,
  PlatformNotFound,
  RepositoryNotFound,
  InvalidReference,
  RegistryClient,
  type RegistryClientOptions,
} from './index';
import {
  DEMO_CREATED,
  ImagePusher,
  pushDemoImages,
  startFaultProxy,
  startRegistryServer,
  type DemoImages,
  type FaultProxy,
  type RegistryServer,
} from './testing';

describe('RegistryClient against docker/distribution', () => {
  let registry: RegistryServer;
  let images: DemoImages;
  const clients: RegistryClient[] = [];
  const client = (options: Partial<RegistryClientOptions> = {}) => {
    const created = new RegistryClient({ registry: registry.host, dockerConfigPath: false, ...options });
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    registry = await startRegistryServer();
    images = await pushDemoImages(registry.url);
  });

  afterAll(async () => {
    await Promise.all(clients.map((each) => each.close()));
    await registry?.stop();
  });

  describe('listing', () => {
    let proxy: FaultProxy;
    beforeEach(async () => {
      proxy = await startFaultProxy({ target: registry.url });
    });
    afterEach(() => proxy.stop());

    it('follows the relative Link pages of the catalog', async () => {
      const repositories = await client({ registry: proxy.host, pageSize: 2 }).listRepositories();

      expect(repositories).toEqual(['demo', 'many', 'multi', 'oci/app']);
      expect(proxy.requests).toEqual(['GET /v2/_catalog?n=2', 'GET /v2/_catalog?last=many&n=2']);
    });

    it('lists every tag even though this registry ignores n for tags', async () => {
      const tags = await client({ registry: proxy.host, pageSize: 50 }).listTags('many');

      expect([...tags].sort()).toEqual(images.manyTags);
      expect(tags.length).toBeGreaterThan(50);
    });
  });

  describe('resolve', () => {
    it('resolves a schema2 tag to the digest that was pushed, never a schema1 conversion', async () => {
      await expect(client().resolve('demo', 'v2')).resolves.toEqual({
        digest: images.demo.v2.digest,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        configDigest: images.demo.v2.configDigest,
        platform: { os: 'linux', architecture: 'amd64' },
        size: images.demo.v2.size,
      });
    });

    it('resolves an OCI image manifest', async () => {
      const info = await client().resolve('oci/app', '1.0');

      expect(info.digest).toBe(images.ociApp.digest);
      expect(info.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
      expect(info.configDigest).toBe(images.ociApp.configDigest);
    });

    it('resolves a digest reference', async () => {
      const info = await client().resolve('demo', images.demo.v1.digest);

      expect(info.configDigest).toBe(images.demo.v1.configDigest);
    });

    it('picks linux/amd64 from a manifest list by default and another platform on request', async () => {
      const registryClient = client();

      await expect(registryClient.resolve('multi', 'list')).resolves.toMatchObject({
        digest: images.multi.amd64.digest,
        indexDigest: images.multi.listDigest,
        platform: { os: 'linux', architecture: 'amd64' },
      });
      await expect(
        registryClient.resolve('multi', 'list', { os: 'linux', architecture: 'arm64', variant: 'v8' }),
      ).resolves.toMatchObject({
        digest: images.multi.arm64.digest,
        configDigest: images.multi.arm64.configDigest,
        platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      });
    });

    it('picks a platform from an OCI index, matching any variant when none is asked for', async () => {
      const registryClient = client();

      await expect(registryClient.resolve('multi', 'index')).resolves.toMatchObject({
        digest: images.multi.ociAmd64.digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        indexDigest: images.multi.indexDigest,
      });
      await expect(
        registryClient.resolve('multi', 'index', { os: 'linux', architecture: 'arm64' }),
      ).resolves.toMatchObject({
        digest: images.multi.ociArm64.digest,
      });
    });

    it('names the platforms there are when the wanted one is missing', async () => {
      const failure = client().resolve('multi', 'list', { os: 'linux', architecture: 's390x' });

      await expect(failure).rejects.toThrow(PlatformNotFound);
      await expect(failure).rejects.toThrow('no linux/s390x variant (it has linux/amd64, linux/arm64/v8)');
    });

    it('tells a missing repository from a missing tag, naming registry and repository', async () => {
      const registryClient = client();

      await expect(registryClient.resolve('nothing/here', 'v1')).rejects.toThrow(RepositoryNotFound);
      await expect(registryClient.resolve('nothing/here', 'v1')).rejects.toThrow(
        `Repository not found (registry ${registry.host}, repository nothing/here:v1)`,
      );
      await expect(registryClient.listTags('nothing/here')).rejects.toThrow(RepositoryNotFound);
      await expect(registryClient.resolve('demo', 'v9')).rejects.toThrow(ManifestNotFound);
      await expect(registryClient.resolve('demo', 'v9')).rejects.toThrow(
        `(registry ${registry.host}, repository demo:v9)`,
      );
    });

    it('rejects malformed names before asking the registry', async () => {
      const registryClient = client();

      await expect(registryClient.resolve('Demo', 'v1')).rejects.toThrow(InvalidReference);
      await expect(registryClient.resolve('demo', '-v1')).rejects.toThrow('"-v1" is neither a tag nor a digest');
    });
  });

  describe('describing tags', () => {
    it('describes a tag with its image id, created time, labels and size', async () => {
      await expect(client().describeTag('demo', 'v1')).resolves.toEqual({
        tag: 'v1',
        digest: images.demo.v1.digest,
        imageId: images.demo.v1.configDigest,
        created: DEMO_CREATED.v1,
        labels: { 'org.example.version': 'v1' },
        size: images.demo.v1.size,
        platform: { os: 'linux', architecture: 'amd64' },
      });
    });

    it('lists tags newest first, undated ones last', async () => {
      const described = await client().describeTags('demo');

      expect(described.map((info) => info.tag)).toEqual(['latest', 'v3', 'v2', 'v1', 'undated']);
      expect(described[0].digest).toBe(described[1].digest);
      expect(described[4].created).toBeUndefined();
    });

    it('fetches manifests and config blobs once per digest, then only asks tags for their digest', async () => {
      const proxy = await startFaultProxy({ target: registry.url });
      try {
        const registryClient = client({ registry: proxy.host });

        await registryClient.describeTags('demo');
        const firstRound = proxy.requests.splice(0);
        await registryClient.describeTags('demo');
        const secondRound = proxy.requests.splice(0);

        // 5 distinct images (latest shares v3's), each one manifest GET and one config GET.
        expect(firstRound.filter((line) => line.startsWith('GET /v2/demo/manifests/'))).toHaveLength(4);
        expect(firstRound.filter((line) => line.startsWith('GET /v2/demo/blobs/'))).toHaveLength(4);
        expect(firstRound.filter((line) => line.startsWith('HEAD '))).toHaveLength(5);
        expect(secondRound.sort()).toEqual([
          'GET /v2/demo/tags/list?n=100',
          'HEAD /v2/demo/manifests/latest',
          'HEAD /v2/demo/manifests/undated',
          'HEAD /v2/demo/manifests/v1',
          'HEAD /v2/demo/manifests/v2',
          'HEAD /v2/demo/manifests/v3',
        ]);
      } finally {
        await proxy.stop();
      }
    });

    it('describes many tags with a bounded number of requests in flight', async () => {
      const proxy = await startFaultProxy({ target: registry.url, delayMs: 10 });
      try {
        const described = await client({ registry: proxy.host, concurrency: 3 }).describeTags('many');

        expect(described).toHaveLength(images.manyTags.length);
        expect(proxy.peakConcurrency()).toBe(3);
      } finally {
        await proxy.stop();
      }
    });
  });

  describe('deleting', () => {
    it('deletes a manifest by digest, after which its tag is gone', async () => {
      const pushed = await new ImagePusher(registry.url).pushImage('scratch', 'old', {
        created: '2023-01-01T00:00:00Z',
      });
      const registryClient = client();
      await registryClient.resolve('scratch', 'old');

      await registryClient.deleteManifest('scratch', pushed.digest);

      await expect(registryClient.resolve('scratch', 'old')).rejects.toThrow(ManifestNotFound);
      await expect(registryClient.resolve('scratch', pushed.digest)).rejects.toThrow(ManifestNotFound);
      await expect(registryClient.deleteManifest('scratch', pushed.digest)).rejects.toThrow(ManifestNotFound);
      await expect(registryClient.listTags('scratch')).resolves.toEqual([]);
    });

    it('refuses to delete by tag', async () => {
      await expect(client().deleteManifest('demo', 'v1')).rejects.toThrow('"v1" is not a digest');
    });
  });
});
