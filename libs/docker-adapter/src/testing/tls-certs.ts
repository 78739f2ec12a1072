import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsMaterial {
  readonly dir: string;
  /** For the engines (fakehosts.sh --tls DIR). */
  readonly server: { readonly ca: string; readonly cert: string; readonly key: string };
  /** For clients (a host's `tls` in the jobs file). */
  readonly client: { readonly ca: string; readonly cert: string; readonly key: string };
}

/** Makes a throwaway CA, a server certificate naming the given IP addresses, and a client certificate. */
export async function makeTlsMaterial(ipAddresses: readonly string[]): Promise<TlsMaterial> {
  const dir = mkdtempSync(join(tmpdir(), 'cj-tls-'));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=cj test CA',
    '-keyout',
    at('ca-key.pem'),
    '-out',
    at('ca.pem'),
  );
  writeFileSync(
    at('server.ext'),
    `subjectAltName=${ipAddresses.map((ip) => `IP:${ip}`).join(',')}\nextendedKeyUsage=serverAuth\n`,
  );
  writeFileSync(at('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [
    ['server', 'cj fake host'],
    ['client', 'cj orchestrator'],
  ] as const) {
    await openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${cn}`,
      '-keyout',
      at(`${name}-key.pem`),
      '-out',
      at(`${name}.csr`),
    );
    await openssl(
      'x509',
      '-req',
      '-in',
      at(`${name}.csr`),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca-key.pem'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      at(`${name}.ext`),
      '-out',
      at(`${name}-cert.pem`),
    );
  }
  return {
    dir,
    server: { ca: at('ca.pem'), cert: at('server-cert.pem'), key: at('server-key.pem') },
    client: { ca: at('ca.pem'), cert: at('client-cert.pem'), key: at('client-key.pem') },
  };
}
