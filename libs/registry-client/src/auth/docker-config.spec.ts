import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryConfigError } from '../errors';
import { normalizeRegistryKey, readDockerConfigCredentials } from './docker-config';

describe('Docker config credentials', () => {
  let dir: string;
  const write = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('decodes the base64 user:password of the matching entry, whatever form its key has', () => {
    const path = write(
      'config.json',
      JSON.stringify({
        auths: {
          'https://registry.example:5000/v1/': { auth: Buffer.from('ci:pa:ss').toString('base64') },
          'other.example': { auth: Buffer.from('x:y').toString('base64') },
        },
      }),
    );

    expect(readDockerConfigCredentials(path, 'registry.example:5000')).toEqual({ username: 'ci', password: 'pa:ss' });
  });

  it('accepts separate username and password fields', () => {
    const path = write(
      'fields.json',
      JSON.stringify({ auths: { 'registry.example': { username: 'ci', password: 'pw' } } }),
    );

    expect(readDockerConfigCredentials(path, 'registry.example')).toEqual({ username: 'ci', password: 'pw' });
  });

  it('means anonymous when the file or the entry is missing', () => {
    expect(readDockerConfigCredentials(join(dir, 'absent.json'), 'registry.example')).toBeUndefined();
    expect(
      readDockerConfigCredentials(write('none.json', '{"credsStore":"desktop"}'), 'registry.example'),
    ).toBeUndefined();
  });

  it('reports a malformed file or entry, naming the file', () => {
    const broken = write('broken.json', '{ auths');
    const badAuth = write(
      'bad-auth.json',
      JSON.stringify({ auths: { 'registry.example': { auth: Buffer.from('nocolon').toString('base64') } } }),
    );

    expect(() => readDockerConfigCredentials(broken, 'registry.example')).toThrow(RegistryConfigError);
    expect(() => readDockerConfigCredentials(broken, 'registry.example')).toThrow(
      `The Docker config file ${broken} is not valid JSON`,
    );
    expect(() => readDockerConfigCredentials(badAuth, 'registry.example')).toThrow('is not base64 of "user:password"');
  });

  it('normalizes registry keys to host[:port]', () => {
    expect(normalizeRegistryKey('http://127.0.0.1:5000')).toBe('127.0.0.1:5000');
    expect(normalizeRegistryKey('registry.example/v2/')).toBe('registry.example');
  });
});
