import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knownHostName, KnownHostsUnreadable, knownKeysOf, parseKnownHosts, readKnownHosts } from './known-hosts';

const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGxYhCZXfTnd2rkm7goxrkW/41TEL4kwBjtn+AkJd/2h';
const ECDSA =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBAOoIbT7t4NO5SsRQTB2FWn5HQS3FCI85XaEZ3Cnh6ehsXy9+fMAUcNr4m0/vIM1vrBBui/4/+Y9mAbFdmH1Ui4=';

describe('a known_hosts file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cj-known-hosts-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const keysOf = (text: string, host: string, port = 22) =>
    knownKeysOf(parseKnownHosts(text), knownHostName(host, port));
  const lineNumbers = (lines: readonly { line: number }[]) => lines.map((l) => l.line);

  it('knows a host on port 22 by its name, and on another port as [name]:port', () => {
    expect(knownHostName('H1.example', 22)).toBe('h1.example');
    expect(knownHostName('h1', 2222)).toBe('[h1]:2222');
    expect(knownHostName('[::1]', 22)).toBe('::1');
    expect(knownHostName('[::1]', 2222)).toBe('[::1]:2222');
    const text = `h1 ${ED25519}\n[h1]:2222 ${ECDSA}\n`;
    expect(lineNumbers(keysOf(text, 'h1').keys)).toEqual([1]);
    expect(lineNumbers(keysOf(text, 'h1', 2222).keys)).toEqual([2]);
    expect(keysOf(text, 'h1', 2223).keys).toEqual([]);
  });

  it('matches comma lists, wildcards and negations, and skips comments, blank and broken lines', () => {
    const text = [
      '# the web hosts',
      '',
      `h1,10.0.0.1 ${ED25519} root@h1`,
      `   web-*,!web-9 ${ECDSA}`,
      'h1 ssh-ed25519 not-base64',
      `h? ${ECDSA}`,
    ].join('\n');
    expect(lineNumbers(keysOf(text, '10.0.0.1').keys)).toEqual([3]);
    expect(lineNumbers(keysOf(text, 'h1').keys)).toEqual([3, 6]);
    expect(lineNumbers(keysOf(text, 'web-3').keys)).toEqual([4]);
    expect(keysOf(text, 'web-9').keys).toEqual([]);
    expect(keysOf(text, 'h12').keys).toEqual([]);
    expect(keysOf(text, 'h1').keys[0].key).toEqual({ type: 'ssh-ed25519', blob: ED25519.split(' ')[1] });
  });

  it('matches hashed names as ssh-keygen -H writes them, and nothing else', () => {
    const path = join(dir, 'hashed');
    writeFileSync(path, `h1 ${ED25519}\n[h1]:2222 ${ECDSA}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', path], { stdio: 'ignore' });
    const text = readFileSync(path, 'utf8');
    // Every name field is hashed (a random salt's base64 may happen to contain "h1" elsewhere).
    const names = text
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[0]);
    expect(names).toHaveLength(2);
    for (const name of names) expect(name).toMatch(/^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+$/);
    expect(text).toMatch(/^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 /);
    expect(lineNumbers(keysOf(text, 'h1').keys)).toEqual([1]);
    expect(lineNumbers(keysOf(text, 'h1', 2222).keys)).toEqual([2]);
    expect(keysOf(text, 'h2').keys).toEqual([]);
  });

  it('sets @revoked keys apart, and @cert-authority lines too', () => {
    const text = [
      `@revoked * ${ECDSA}`,
      `@cert-authority *.example ${ED25519}`,
      `@something h1 ${ED25519}`,
      `h1.example ${ED25519}`,
    ].join('\n');
    const known = keysOf(text, 'h1.example');
    expect(lineNumbers(known.keys)).toEqual([4]);
    expect(lineNumbers(known.revoked)).toEqual([1]);
    expect(lineNumbers(known.certAuthorities)).toEqual([2]);
  });

  it('knows no host when it does not exist, and says so when it cannot be read', () => {
    expect(readKnownHosts(join(dir, 'missing'))).toEqual([]);
    expect(() => readKnownHosts(dir)).toThrow(KnownHostsUnreadable);
    expect(() => readKnownHosts(dir)).toThrow(
      /the known_hosts file .* cannot be read \(EISDIR.*\); make it readable, or name another file/,
    );
    const path = join(dir, 'plain');
    writeFileSync(path, `h1 ${ED25519}\n`);
    expect(lineNumbers(readKnownHosts(path))).toEqual([1]);
  });
});
