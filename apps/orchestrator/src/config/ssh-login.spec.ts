import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidOptionError } from './invalid-option.error';
import { parseOptions } from './options';
import { sshOptionsOf } from './ssh-login';

describe('how the orchestrator logs in to ssh:// hosts', () => {
  let home: string;
  let ssh: string;
  const keygen = (path: string, passphrase = '') =>
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'cj', '-f', path]);
  const login = (argv: string[] = [], env: NodeJS.ProcessEnv = {}) => parseOptions(argv, { HOME: home, ...env }).ssh;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'cj-home-'));
    ssh = join(home, '.ssh');
    mkdirSync(ssh);
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('checks host keys against ~/.ssh/known_hosts unless told another file', () => {
    expect(login().knownHosts).toBe(join(ssh, 'known_hosts'));
    expect(login(['--ssh-known-hosts', 'lab/known_hosts']).knownHosts).toBe(resolve('lab/known_hosts'));
  });

  it('logs in with the agent at $SSH_AUTH_SOCK, else the first default key that exists, else with nothing', () => {
    expect(login()).toMatchObject({ identity: { none: true } });
    keygen(join(ssh, 'id_rsa'));
    expect(login().identity).toEqual({ keyFile: join(ssh, 'id_rsa') });
    keygen(join(ssh, 'id_ed25519'));
    expect(login().identity).toEqual({ keyFile: join(ssh, 'id_ed25519') });
    expect(login([], { SSH_AUTH_SOCK: '/run/agent.sock' }).identity).toEqual({ agent: '/run/agent.sock' });
    expect(login([], { SSH_AUTH_SOCK: '' }).identity).toEqual({ keyFile: join(ssh, 'id_ed25519') });
  });

  it('logs in with the --ssh-key file alone when given, agent or not', () => {
    const key = join(home, 'deploy');
    keygen(key);
    const chosen = login(['--ssh-key', key], { SSH_AUTH_SOCK: '/run/agent.sock' });
    expect(chosen.identity).toEqual({ keyFile: key });
    expect(sshOptionsOf(chosen)).toEqual({ knownHosts: join(ssh, 'known_hosts'), privateKey: readFileSync(key) });
    expect(sshOptionsOf(login([], { SSH_AUTH_SOCK: '/run/agent.sock' }))).toEqual({
      knownHosts: join(ssh, 'known_hosts'),
      agent: '/run/agent.sock',
    });
  });

  it('refuses to start with a key file it cannot use, saying what would do', () => {
    const missing = join(home, 'nope');
    expect(() => login(['--ssh-key', missing])).toThrow(InvalidOptionError);
    expect(() => login(['--ssh-key', missing])).toThrow(
      `--ssh-key "${missing}" is invalid: expected a readable, unencrypted OpenSSH or PEM private key file; for a key with a passphrase, load it into ssh-agent and set SSH_AUTH_SOCK (ENOENT`,
    );
  });

  it('passes over a default key it cannot use, as ssh does, and starts all the same', () => {
    keygen(join(ssh, 'id_ed25519'), 'a passphrase');
    expect(login().identity).toEqual({ none: true });
    keygen(join(ssh, 'id_rsa'));
    expect(login().identity).toEqual({ keyFile: join(ssh, 'id_rsa') });
  });
});
