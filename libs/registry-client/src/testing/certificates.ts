import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  readonly dir: string;
  /** Private CA that signed the server certificate. */
  readonly caCertificatePath: string;
  readonly caCertificate: string;
  /** Server certificate for 127.0.0.1 and localhost, and its key. */
  readonly serverCertificatePath: string;
  readonly serverKeyPath: string;
  /** Self-signed certificate and key that sign registry bearer tokens. */
  readonly tokenCertificatePath: string;
  readonly tokenCertificate: string;
  readonly tokenKey: string;
}

/** Makes, with openssl, a CA, a loopback server certificate signed by it, and a token signing pair. */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'registry-certs-'));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

  const selfSigned = (name: string, subject: string) =>
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      subject,
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.crt`),
    );

  selfSigned('ca', '/CN=registry test CA');
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    path('server.key'),
    '-out',
    path('server.csr'),
  );
  writeFileSync(path('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(
    'x509',
    '-req',
    '-in',
    path('server.csr'),
    '-CA',
    path('ca.crt'),
    '-CAkey',
    path('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    path('server.ext'),
    '-out',
    path('server.crt'),
  );
  selfSigned('token', '/CN=registry test token issuer');

  return {
    dir,
    caCertificatePath: path('ca.crt'),
    caCertificate: readFileSync(path('ca.crt'), 'utf8'),
    serverCertificatePath: path('server.crt'),
    serverKeyPath: path('server.key'),
    tokenCertificatePath: path('token.crt'),
    tokenCertificate: readFileSync(path('token.crt'), 'utf8'),
    tokenKey: readFileSync(path('token.key'), 'utf8'),
  };
}
