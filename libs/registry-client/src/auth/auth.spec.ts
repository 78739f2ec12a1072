import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient, RegistryUnauthorized, type RegistryClientOptions } from '../index';
import {
  ImagePusher,
  makeTestCertificates,
  pushDemoImages,
  startRegistryServer,
  startTokenServer,
  type DemoImages,
  type RegistryServer,
  type TestCertificates,
  type TokenServer,
} from '../testing';

/** Registries that demand a login are filled first through an open registry on the same storage. */
async function populatedStorage(): Promise<{ storageDir: string; images: DemoImages }> {
  const storageDir = mkdtempSync(join(tmpdir(), 'registry-storage-'));
  const open = await startRegistryServer({ storageDir });
  try {
    const images = await pushDemoImages(open.url, 3);
    await new ImagePusher(open.url).pushImage('doomed', 'v1', { created: '2020-01-01T00:00:00Z' });
    return { storageDir, images };
  } finally {
    await open.stop();
  }
}

describe('authentication', () => {
  let storageDir: string;
  let images: DemoImages;
  const clients: RegistryClient[] = [];
  const client = (options: RegistryClientOptions) => {
    const created = new RegistryClient(options);
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    ({ storageDir, images } = await populatedStorage());
  });

  afterAll(async () => {
    await Promise.all(clients.map((each) => each.close()));
    rmSync(storageDir, { recursive: true, force: true });
  });

  describe('basic (htpasswd)', () => {
    let registry: RegistryServer;
    let configDir: string;

    beforeAll(async () => {
      registry = await startRegistryServer({ storageDir, basicAuth: { username: 'deployer', password: 's3cret' } });
      configDir = mkdtempSync(join(tmpdir(), 'docker-config-'));
    });

    afterAll(async () => {
      await registry?.stop();
      rmSync(configDir, { recursive: true, force: true });
    });

    it('reads tags with the right credentials', async () => {
      const registryClient = client({
        registry: registry.host,
        credentials: { username: 'deployer', password: 's3cret' },
      });

      const described = await registryClient.describeTags('demo');

      expect(described.map((info) => info.tag)).toEqual(['latest', 'v3', 'v2', 'v1', 'undated']);
      await expect(registryClient.listRepositories()).resolves.toContain('oci/app');
    });

    it('refuses wrong credentials, naming the user and where the credentials came from', async () => {
      const failure = client({
        registry: registry.host,
        credentials: { username: 'deployer', password: 'wrong' },
      }).listTags('demo');

      await expect(failure).rejects.toThrow(RegistryUnauthorized);
      await expect(failure).rejects.toThrow(
        `the registry refused the credentials of user "deployer" (credentials given explicitly) (registry ${registry.host}, repository demo)`,
      );
    });

    it('says that a login is needed when there are no credentials', async () => {
      const configPath = join(configDir, 'empty.json');
      writeFileSync(configPath, JSON.stringify({ auths: { 'other.example:5000': { auth: 'eDp5' } } }));

      await expect(client({ registry: registry.host, dockerConfigPath: configPath }).listTags('demo')).rejects.toThrow(
        `the registry requires a login and no credentials were found (no entry for ${registry.host} in ${configPath})`,
      );
    });

    it('takes the credentials from a Docker config file', async () => {
      const configPath = join(configDir, 'config.json');
      const auth = Buffer.from('deployer:s3cret').toString('base64');
      writeFileSync(configPath, JSON.stringify({ auths: { [`https://${registry.host}`]: { auth } } }));

      await expect(
        client({ registry: registry.host, dockerConfigPath: configPath }).resolve('demo', 'v1'),
      ).resolves.toMatchObject({
        digest: images.demo.v1.digest,
      });
    });
  });

  describe('bearer tokens (registry token authentication)', () => {
    const service = 'cj-test-registry';
    const issuer = 'cj-test-token-service';
    let certificates: TestCertificates;
    let tokens: TokenServer;
    let registry: RegistryServer;

    beforeAll(async () => {
      certificates = makeTestCertificates();
      tokens = await startTokenServer({
        issuer,
        service,
        signingKey: certificates.tokenKey,
        signingCertificate: certificates.tokenCertificate,
        users: { deployer: 's3cret' },
        lifetimeSeconds: 300,
      });
      registry = await startRegistryServer({
        storageDir,
        tokenAuth: { realm: tokens.realm, service, issuer, rootCertBundlePath: certificates.tokenCertificatePath },
      });
    });

    afterAll(async () => {
      await registry?.stop();
      await tokens?.stop();
      rmSync(certificates.dir, { recursive: true, force: true });
    });

    beforeEach(() => {
      tokens.issued.splice(0);
    });

    it('gets a token for the scope the registry asks for and reuses it until it expires', async () => {
      let now = Date.now();
      const registryClient = client({
        registry: registry.host,
        credentials: { username: 'deployer', password: 's3cret' },
        now: () => now,
      });

      const described = await registryClient.describeTags('demo');
      await registryClient.resolve('demo', 'v1');

      expect(described.map((info) => info.imageId)).toContain(images.demo.v2.configDigest);
      expect(tokens.issued).toEqual([{ account: 'deployer', service, scopes: ['repository:demo:pull'] }]);

      now += 301_000;
      await registryClient.resolve('demo', 'v2');

      expect(tokens.issued).toHaveLength(2);
    });

    it('asks for a catalog token for the catalog and a delete token for deleting', async () => {
      const registryClient = client({
        registry: registry.host,
        credentials: { username: 'deployer', password: 's3cret' },
      });
      const doomed = await registryClient.resolve('doomed', 'v1');

      await expect(registryClient.listRepositories()).resolves.toEqual(
        expect.arrayContaining(['demo', 'doomed', 'multi']),
      );
      await registryClient.deleteManifest('doomed', doomed.digest);

      await expect(registryClient.listTags('doomed')).resolves.toEqual([]);
      expect(tokens.issued.map((request) => request.scopes.join(' '))).toEqual([
        'repository:doomed:pull',
        'registry:catalog:*',
        'repository:doomed:delete',
      ]);
    });

    it('reports tokens the registry does not trust (signed by a key outside its root bundle)', async () => {
      const strangers = makeTestCertificates();
      const untrusted = await startTokenServer({
        issuer,
        service,
        signingKey: strangers.tokenKey,
        signingCertificate: strangers.tokenCertificate,
        users: { deployer: 's3cret' },
      });
      const impostor = await startRegistryServer({
        storageDir,
        tokenAuth: { realm: untrusted.realm, service, issuer, rootCertBundlePath: certificates.tokenCertificatePath },
      });
      try {
        const failure = client({
          registry: impostor.host,
          credentials: { username: 'deployer', password: 's3cret' },
        }).listTags('demo');

        await expect(failure).rejects.toThrow(
          `the registry refused the token issued by ${untrusted.realm} for user "deployer"`,
        );
        expect(untrusted.issued).toHaveLength(1);
      } finally {
        await impostor.stop();
        await untrusted.stop();
        rmSync(strangers.dir, { recursive: true, force: true });
      }
    });

    it('reports a token service that refuses the credentials', async () => {
      const failure = client({
        registry: registry.host,
        credentials: { username: 'deployer', password: 'wrong' },
      }).listTags('demo');

      await expect(failure).rejects.toThrow(RegistryUnauthorized);
      await expect(failure).rejects.toThrow(
        `the token service ${tokens.realm} refused the credentials of user "deployer" (credentials given explicitly) for scope repository:demo:pull`,
      );
    });
  });
});
