import { RegistryClient, RegistryProtocolError, UnsupportedManifest } from './index';
import { digestOf, startListingServer, type ListingServer } from './testing';

// Behaviours of other registries than docker/distribution 2.8, served by a small scripted server.
describe('registries that page differently or answer unusually', () => {
  let server: ListingServer;
  let client: RegistryClient;
  const tags = Array.from({ length: 7 }, (_, i) => `1.${i}`);
  const config = Buffer.from(
    JSON.stringify({ created: '2024-07-01T00:00:00Z', os: 'linux', architecture: 'amd64', config: {} }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        size: config.length,
        digest: digestOf(config),
      },
      layers: [],
    }),
  );

  beforeAll(async () => {
    server = await startListingServer({
      repositories: ['alpha', 'beta', 'gamma', 'team/delta', 'team/epsilon'],
      tags: { 'team/delta': tags },
      responses: {
        '/v2/team/delta/manifests/legacy': {
          contentType: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
          body: JSON.stringify({ schemaVersion: 1, name: 'team/delta', tag: 'legacy', fsLayers: [], history: [] }),
        },
        // No Docker-Content-Digest header on these answers.
        '/v2/team/delta/manifests/1.0': {
          contentType: 'application/vnd.docker.distribution.manifest.v2+json',
          body: manifest.toString(),
        },
        [`/v2/team/delta/blobs/${digestOf(config)}`]: {
          contentType: 'application/octet-stream',
          body: config.toString(),
        },
      },
    });
    client = new RegistryClient({ registry: server.host, pageSize: 2, dockerConfigPath: false });
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  beforeEach(() => {
    server.requests.splice(0);
  });

  it('walks the catalog page by page', async () => {
    await expect(client.listRepositories()).resolves.toEqual(['alpha', 'beta', 'gamma', 'team/delta', 'team/epsilon']);
    expect(server.requests).toEqual([
      'GET /v2/_catalog?n=2',
      'GET /v2/_catalog?n=2&last=beta',
      'GET /v2/_catalog?n=2&last=team%2Fdelta',
    ]);
  });

  it('walks tags page by page', async () => {
    await expect(client.listTags('team/delta')).resolves.toEqual(tags);
    expect(server.requests).toHaveLength(4);
    expect(server.requests[3]).toBe('GET /v2/team/delta/tags/list?n=2&last=1.5');
  });

  it('computes the digest from the manifest when the registry does not send it', async () => {
    await expect(client.describeTag('team/delta', '1.0')).resolves.toMatchObject({
      digest: digestOf(manifest),
      imageId: digestOf(config),
      created: '2024-07-01T00:00:00Z',
    });
    expect(server.requests).toEqual([
      'HEAD /v2/team/delta/manifests/1.0',
      'GET /v2/team/delta/manifests/1.0',
      `GET /v2/team/delta/blobs/${digestOf(config)}`,
    ]);
  });

  it('rejects a schema1 manifest instead of reading it', async () => {
    const failure = client.resolve('team/delta', 'legacy');

    await expect(failure).rejects.toThrow(UnsupportedManifest);
    await expect(failure).rejects.toThrow('"application/vnd.docker.distribution.manifest.v1+prettyjws"');
  });

  it('refuses a next-page link that leaves the registry', async () => {
    // Credentials must not follow a link elsewhere; the link is refused before anything is sent there.
    const other = await startListingServer({
      repositories: ['x', 'y', 'z'],
      tags: {},
      linkOrigin: 'http://127.0.0.2:1',
    });
    try {
      const relay = new RegistryClient({ registry: other.host, pageSize: 1, dockerConfigPath: false });
      try {
        await expect(relay.listRepositories()).rejects.toThrow(RegistryProtocolError);
        await expect(relay.listRepositories()).rejects.toThrow(
          'the next page link leaves the registry (http://127.0.0.2:1/v2/_catalog?n=1&last=x)',
        );
        expect(other.requests).toEqual(['GET /v2/_catalog?n=1', 'GET /v2/_catalog?n=1']);
      } finally {
        await relay.close();
      }
    } finally {
      await other.stop();
    }
  });
});
