import type { HostPolicy } from './checks/allow-lists';
import { formatErrors, type JobsFileIssue } from './issues';
import { parseJobsFile, type ParseResult } from './parse-jobs-file';

const file = (job: string, registry = 'registry: 127.77.0.1:5000\n') =>
  `${registry}hosts:\n  h1: unix:///var/run/docker.sock\njobs:\n  - name: web\n    image: cj-demo:v1\n    run_on_host: h1\n    port: 8080\n${job}`;
const parse = (text: string, policy: HostPolicy) => parseJobsFile(text, { file: 'jobs.yaml', policy });

function errors(result: ParseResult): readonly JobsFileIssue[] {
  if (result.ok) throw new Error('expected errors, the file was valid');
  return result.errors;
}
function valid(result: ParseResult): void {
  if (!result.ok) throw new Error(`expected a valid file, got:\n${formatErrors(result.errors)}`);
}

const DATA: HostPolicy = {
  mounts: [
    { path: '/srv/data', readWrite: true },
    { path: '/srv/config', readWrite: false },
  ],
};

describe('mount allow-list', () => {
  it('given no allowance, when a job mounts a host path, then it is refused at its mounts: item', () => {
    const [issue] = errors(parse(file('    mounts: ["/srv/data:/data"]\n'), {}));
    expect(issue).toMatchObject({
      line: 9,
      path: 'jobs[0].mounts[0]',
      message: 'host path /srv/data may not be mounted: the orchestrator allows no host paths',
    });
  });

  it('given an allowance, when a job mounts under it, read-write where allowed, then the file is valid', () => {
    valid(parse(file('    mounts: ["/srv/data/web:/data", "/srv/config:/config:ro", "cache:/cache"]\n'), DATA));
  });

  it('given a read-only allowance, when a job mounts it read-write, then it is refused', () => {
    expect(errors(parse(file('    mounts: ["/srv/config:/config"]\n'), DATA))[0].message).toBe(
      'host path /srv/config may only be mounted read-only (the orchestrator allows /srv/config read-only)',
    );
  });

  it.each([
    '/',
    '/etc/shadow',
    '/var/run/docker.sock',
    '/run/docker.sock',
    '/proc',
    '/sys/kernel',
    '/srv/data/../../etc',
  ])('given only /srv/data allowed, when a job mounts %s, then it is refused', (source) => {
    expect(errors(parse(file(`    mounts: [{ source: "${source}", target: /x }]\n`), DATA))).toHaveLength(1);
  });

  it('given / allowed, when a job mounts /etc or the engine socket, then each still needs its own allowance', () => {
    const policy: HostPolicy = { mounts: [{ path: '/', readWrite: true }] };
    valid(parse(file('    mounts: ["/:/host:ro", "/srv:/srv"]\n'), policy));
    const found = errors(
      parse(file('    mounts: ["/etc:/etc:ro", "/var/run/docker.sock:/var/run/docker.sock"]\n'), policy),
    );
    expect(found.map((issue) => issue.message)).toEqual([
      expect.stringContaining('(and /etc needs an allowance of its own)'),
      expect.stringContaining('(and /var/run needs an allowance of its own)'),
    ]);
    valid(
      parse(file('    mounts: ["/var/run/docker.sock:/var/run/docker.sock"]\n'), {
        mounts: [{ path: '/var/run/docker.sock', readWrite: true }],
      }),
    );
  });
});

describe('registry allow-list', () => {
  it("given the file's registry, when an image names another host:port, then it is refused at image: and nothing is looked up", () => {
    const text = file('').replace('image: cj-demo:v1', 'image: 10.0.0.7:2375/probe:v1');
    const [issue] = errors(parse(text, {}));
    expect(issue).toMatchObject({
      line: 6,
      column: 12,
      path: 'jobs[0].image',
      message: expect.stringContaining(
        'comes from 10.0.0.7:2375, which is not a registry of this environment (127.77.0.1:5000)',
      ),
    });
  });

  it("given the file's registry, when images name it or none, then the file is valid", () => {
    valid(parse(file(''), {}));
    valid(parse(file('').replace('image: cj-demo:v1', 'image: 127.77.0.1:5000/cj-demo:v1'), {}));
  });

  it("given the orchestrator's list, when the file declares a registry outside it, then registry: is refused", () => {
    const [issue] = errors(parse(file(''), { registries: ['registry.internal:5000'] }));
    expect(issue).toMatchObject({
      line: 1,
      path: 'registry',
      message: 'registry 127.77.0.1:5000 is not one the orchestrator allows (registry.internal:5000)',
    });
    valid(parse(file('', 'registry: registry.internal:5000\n'), { registries: ['registry.internal:5000'] }));
  });
});
