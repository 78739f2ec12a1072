import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerOptionsFor, InvalidEndpoint } from './endpoint';

describe('dockerOptionsFor', () => {
  const host = (endpoint: string) => ({ name: 'git-app-1', endpoint, address: '127.0.0.1' });

  it('maps unix, plain tcp and ssh endpoints', () => {
    expect(dockerOptionsFor(host('unix:///var/run/docker.sock'))).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(dockerOptionsFor(host('tcp://127.77.1.2:2375'))).toEqual({ protocol: 'http', host: '127.77.1.2', port: 2375 });
    expect(dockerOptionsFor(host('ssh://deploy@127.77.1.2:2222'), { agent: '/run/agent.sock' })).toMatchObject({
      protocol: 'ssh',
      host: '127.77.1.2',
      port: 2222,
      username: 'deploy',
      sshOptions: { agent: '/run/agent.sock' },
    });
  });

  it('reads the TLS files of a tcp endpoint, and names the one it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cj-endpoint-'));
    try {
      for (const f of ['ca', 'cert', 'key']) writeFileSync(join(dir, f), `${f} text`);
      const tls = { ca: join(dir, 'ca'), cert: join(dir, 'cert'), key: join(dir, 'key') };
      const options = dockerOptionsFor({ ...host('tcp://127.77.1.2'), tls });
      expect(options).toMatchObject({ protocol: 'https', host: '127.77.1.2', port: 2376 });
      expect(String(options.key)).toBe('key text');
      expect(() => dockerOptionsFor({ ...host('tcp://127.77.1.2'), tls: { ...tls, cert: join(dir, 'nope') } })).toThrow(
        /host git-app-1: endpoint "tcp:\/\/127.77.1.2" needs its TLS cert file, but .*nope cannot be read/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects what is not a Docker endpoint', () => {
    expect(() => dockerOptionsFor(host('git-app-1:2375'))).toThrow(InvalidEndpoint);
    expect(() => dockerOptionsFor(host('http://git-app-1'))).toThrow(/has the unsupported scheme http:/);
    expect(() => dockerOptionsFor(host('not a url'))).toThrow(/is not a URL/);
  });
});
