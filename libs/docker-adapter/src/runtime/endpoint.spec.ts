import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerOptionsFor, InvalidEndpoint } from './endpoint';
import { SshDialAgent } from './ssh-dial-agent';

describe('dockerOptionsFor', () => {
  const host = (endpoint: string) => ({ name: 'git-app-1', endpoint, address: '127.0.0.1' });

  it('maps unix and plain tcp endpoints', () => {
    expect(dockerOptionsFor(host('unix:///var/run/docker.sock'))).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(dockerOptionsFor(host('tcp://127.77.1.2:2375'))).toEqual({
      protocol: 'http',
      host: '127.77.1.2',
      port: 2375,
    });
  });

  it('carries ssh endpoints over an agent that logs in as the user, root by default', () => {
    const deploy = dockerOptionsFor(host('ssh://deploy@127.77.1.2:2222'), { agent: '/run/agent.sock' });
    expect(deploy).toMatchObject({ protocol: 'http', host: '127.77.1.2', port: 2222 });
    expect(deploy.agent).toBeInstanceOf(SshDialAgent);
    expect((deploy.agent as SshDialAgent).target).toEqual({ user: 'deploy', host: '127.77.1.2', port: 2222 });
    expect((dockerOptionsFor(host('ssh://127.77.1.2')).agent as SshDialAgent).target).toEqual({
      user: 'root',
      host: '127.77.1.2',
      port: 22,
    });
  });

  it('takes a pinned ssh host key as an OpenSSH public key line, and says so when it is not one', () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEWmHNdzJzHnaM4ZSb3mKHqgNbIsRkkMmKnXaBCb5W5H cj';
    const pinned = (sshHostKey: string) => dockerOptionsFor({ ...host('ssh://127.77.1.2'), sshHostKey });
    expect(() => pinned(key)).not.toThrow();
    expect(() => pinned(`127.77.1.2 ${key}`)).not.toThrow();
    expect(() => pinned('SHA256:3wW1Vd0hpXx5pP8p7yQ')).toThrow(
      /host git-app-1: endpoint "ssh:\/\/127.77.1.2" has an ssh host key that is not an OpenSSH public key line/,
    );
  });

  it('says so when the ssh private key cannot be used', () => {
    expect(() => dockerOptionsFor(host('ssh://127.77.1.2'), { privateKey: 'not a key' })).toThrow(
      /host git-app-1: endpoint "ssh:\/\/127.77.1.2" has an ssh private key that cannot be used \(.+\); give an unencrypted OpenSSH or PEM private key/,
    );
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
