import { formatErrors, type JobsFileIssue } from './issues';
import { parseJobsFile, type ParseResult } from './parse-jobs-file';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGxYhCZXfTnd2rkm7goxrkW/41TEL4kwBjtn+AkJd/2h';

const yaml = (hosts: string) =>
  parseJobsFile(`hosts:\n${hosts}jobs:\n  a: { image: a, run_on_host: h1, port: 80 }\n`, { file: 'jobs.yaml' });

function valid(result: ParseResult) {
  if (!result.ok) throw new Error(`expected a valid file, got:\n${formatErrors(result.errors)}`);
  return result.environment;
}

function errors(result: ParseResult): readonly JobsFileIssue[] {
  if (result.ok) throw new Error('expected errors, the file was valid');
  return result.errors;
}

describe("a host's pinned ssh host key", () => {
  it('is kept as "type blob" for an ssh endpoint, its comment or host pattern dropped', () => {
    const environment = valid(yaml(`  h1: { endpoint: "ssh://root@h1:22", ssh_host_key: "${KEY} root@h1" }\n`));
    expect(environment.hosts).toEqual([{ name: 'h1', endpoint: 'ssh://root@h1:22', address: 'h1', sshHostKey: KEY }]);
    expect(
      valid(yaml(`  h1:\n    endpoint: ssh://root@h1:2222\n    ssh_host_key: "[h1]:2222 ${KEY}"\n`)).hosts[0]
        .sshHostKey,
    ).toBe(KEY);
  });

  it('is absent when not written', () => {
    expect(valid(yaml('  h1: ssh://root@h1\n')).hosts[0]).not.toHaveProperty('sshHostKey');
  });

  it('is reported where it is written when it is not a public key line', () => {
    expect(errors(yaml('  h1:\n    endpoint: ssh://root@h1\n    ssh_host_key: SHA256:3wW1Vd0hpXx5pP8p7yQ\n'))).toEqual([
      {
        file: 'jobs.yaml',
        line: 4,
        column: 19,
        path: 'hosts.h1.ssh_host_key',
        message: '"SHA256:3wW1Vd0hpXx5pP8p7yQ" is not an OpenSSH public host key',
        hint: expect.stringMatching(
          /^write the host's public key as "ssh-ed25519 AAAA…" \(its \/etc\/ssh\/ssh_host_ed25519_key\.pub, or a line of `ssh-keyscan -p PORT HOST`\)/,
        ),
      },
    ]);
  });

  it('is refused on an endpoint that is not ssh://', () => {
    const [issue] = errors(yaml(`  h1: { endpoint: "tcp://10.0.0.2:2376", ssh_host_key: "${KEY}" }\n`));
    expect(issue).toMatchObject({
      line: 2,
      path: 'hosts.h1.ssh_host_key',
      message: 'an ssh host key is only checked for an ssh:// endpoint, not "tcp://10.0.0.2:2376"',
      hint: expect.stringContaining('only for an ssh://user@host endpoint'),
    });
  });
});
