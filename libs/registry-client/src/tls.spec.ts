import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient, RegistryUnreachable } from './index';
import {
  makeTestCertificates,
  pushDemoImages,
  startRegistryServer,
  type RegistryServer,
  type TestCertificates,
} from './testing';

describe('HTTPS with a private CA', () => {
  let certificates: TestCertificates;
  let registry: RegistryServer;
  let storageDir: string;

  beforeAll(async () => {
    certificates = makeTestCertificates();
    storageDir = mkdtempSync(join(tmpdir(), 'registry-storage-'));
    const plain = await startRegistryServer({ storageDir });
    await pushDemoImages(plain.url, 2);
    await plain.stop();
    registry = await startRegistryServer({
      storageDir,
      tls: {
        certificatePath: certificates.serverCertificatePath,
        keyPath: certificates.serverKeyPath,
        caCertificate: certificates.caCertificate,
      },
    });
  });

  afterAll(async () => {
    await registry?.stop();
    rmSync(certificates.dir, { recursive: true, force: true });
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('talks HTTPS when given the CA that signed the registry certificate', async () => {
    const client = new RegistryClient({
      registry: registry.host,
      caCertificate: certificates.caCertificate,
      dockerConfigPath: false,
    });
    try {
      expect(client.endpoint.baseUrl).toBe(`https://${registry.host}`);
      await expect(client.describeTags('demo')).resolves.toHaveLength(5);
    } finally {
      await client.close();
    }
  });

  it('refuses a certificate it cannot verify, without retrying', async () => {
    const client = new RegistryClient({
      registry: `https://${registry.host}`,
      dockerConfigPath: false,
      retries: 5,
      retryBaseDelayMs: 1_000,
    });
    try {
      const started = Date.now();
      const failure = client.listTags('demo');

      await expect(failure).rejects.toThrow(RegistryUnreachable);
      await expect(failure).rejects.toThrow('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await client.close();
    }
  });
});
