import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatErrors, type JobsFileIssue } from './issues';
import { parseJobsFile, type ParseResult } from './parse-jobs-file';

const examples = join(__dirname, '../../examples');
const example = (name: string) => readFileSync(join(examples, name), 'utf8');
const talkHosts = { file: 'talk.hosts.yaml', text: example('talk.hosts.yaml') };

const HOSTS = `
hosts:
  h1: unix:///var/run/docker.sock
  h2: tcp://10.0.0.2:2376
`;

function valid(result: ParseResult) {
  if (!result.ok) throw new Error(`expected a valid file, got:\n${formatErrors(result.errors)}`);
  return result.environment;
}

function errors(result: ParseResult): readonly JobsFileIssue[] {
  if (result.ok) throw new Error('expected errors, the file was valid');
  return result.errors;
}

const yaml = (text: string) => parseJobsFile(text, { file: 'jobs.yaml' });

describe("the talk's jobs file, verbatim", () => {
  it('is rejected for its one real conflict: two jobs on git-app-1:9999, both places reported', () => {
    const result = parseJobsFile(example('talk.jobs'), { file: 'talk.jobs', base: talkHosts });

    expect(errors(result)).toEqual([
      {
        file: 'talk.jobs',
        line: 17,
        column: 9,
        path: 'jobs[2].port',
        message: 'port 9999 on host git-app-1 is also taken by job "updatehook-listener" (talk.jobs:27:9)',
        hint: expect.stringContaining('give one of these jobs another port'),
      },
      {
        file: 'talk.jobs',
        line: 27,
        column: 9,
        path: 'jobs[3].port',
        message: 'port 9999 on host git-app-1 is also taken by job "webhook-listener" (talk.jobs:17:9)',
        hint: expect.stringContaining('give one of these jobs another port'),
      },
    ]);
  });

  it('is accepted once one listener moves, with the companion file supplying hosts, registry and defaults', () => {
    const fixed = example('talk.jobs').replace(/(name: "updatehook-listener"[\s\S]*?port: )"9999"/, '$1"9998"');

    const environment = valid(parseJobsFile(fixed, { file: 'talk.jobs', base: talkHosts }));

    expect(environment.name).toBe('talk');
    expect(environment.jobs.map((job) => [job.name, job.tasks])).toEqual([
      ['coding-prober', [{ index: 0, host: 'mon', port: 4444 }]],
      ['coding-blog', [{ index: 0, host: 'core-app-2', port: 9090 }]],
      ['webhook-listener', [{ index: 0, host: 'git-app-1', port: 9999 }]],
      ['updatehook-listener', [{ index: 0, host: 'git-app-1', port: 9998 }]],
    ]);
    expect(environment.jobs[2].image).toEqual({
      registry: 'localhost:5000',
      repository: 'webhook-listener',
      tag: 'a5af2f2',
    });
    expect(environment.jobs[2].envs).toEqual([{ key: 'http_port', value: '8990' }]);
    expect(environment.jobs[0].update.minHealthyTime).toBe(2000);
    expect(environment.hosts.find((h) => h.name === 'mon')?.address).toBe('127.0.0.1');
    expect(environment.hosts.find((h) => h.name === 'git-app-1')?.address).toBe('git-app-1.internal');
  });

  it('without a hosts file, names every undeclared host and says where to declare it', () => {
    const result = parseJobsFile(example('talk.jobs'), { file: 'talk.jobs' });

    const undeclared = errors(result).filter((issue) => issue.message.includes('not declared'));
    expect(undeclared.map((issue) => `${issue.line}:${issue.column} ${issue.message}`)).toEqual([
      '4:16 job "coding-prober" runs on host "mon", which is not declared',
      '10:16 job "coding-blog" runs on host "core-app-2", which is not declared',
      '16:16 job "webhook-listener" runs on host "git-app-1", which is not declared',
      '26:16 job "updatehook-listener" runs on host "git-app-1", which is not declared',
    ]);
    expect(undeclared[0].hint).toContain('companion hosts file');
  });
});

describe('the YAML demo', () => {
  it('spreads replicas round-robin, giving the n-th task on a host port + n, and applies defaults', () => {
    const environment = valid(parseJobsFile(example('demo.yaml'), { file: 'demo.yaml' }));
    const web = environment.jobs.find((job) => job.name === 'web')!;

    expect(web.tasks).toEqual([
      { index: 0, host: 'h1', port: 18080 },
      { index: 1, host: 'h2', port: 18080 },
      { index: 2, host: 'h3', port: 18080 },
      { index: 3, host: 'h1', port: 18081 },
    ]);
    expect(web.envs).toEqual([
      { key: 'TZ', value: 'UTC' },
      { key: 'GREETING', value: 'hello' },
    ]);
    expect(web.update).toMatchObject({
      maxParallel: 2,
      maxFailureRatio: 0.25,
      healthyDeadline: 20_000,
      progressDeadline: 120_000,
    });
    expect(web.health).toEqual({
      type: 'http',
      path: '/health',
      expectStatus: 200,
      interval: 500,
      timeout: 1000,
      retries: 3,
    });
    expect(web.resources).toEqual({ memory: 64 * 1024 ** 2 });
    expect(web.image).toEqual({ registry: '127.77.0.1:5000', repository: 'demo', tag: 'v1' });
  });
});

describe('defaults of a minimal job', () => {
  it('fills in the documented defaults', () => {
    const environment = valid(yaml(`${HOSTS}\njobs:\n  - { name: api, image: api, run_on_host: h2, port: "8080" }\n`));

    expect(environment.name).toBe('default');
    expect(environment.hosts[1]).toEqual({ name: 'h2', endpoint: 'tcp://10.0.0.2:2376', address: '10.0.0.2' });
    expect(environment.jobs[0]).toEqual({
      name: 'api',
      image: { repository: 'api', tag: 'latest' },
      tasks: [{ index: 0, host: 'h2', port: 8080 }],
      envs: [],
      mounts: [],
      health: { type: 'tcp', interval: 1000, timeout: 1000, retries: 3 },
      update: {
        maxParallel: 1,
        order: 'stop-first',
        minHealthyTime: 1000,
        healthyDeadline: 30_000,
        progressDeadline: 120_000,
        maxFailureRatio: 0,
        delayBetweenBatches: 0,
        failureAction: 'rollback',
        keepReplaced: 2,
      },
      resources: {},
      restart: 'unless-stopped',
    });
  });

  it('reads the monitor window as a duration, and leaves it out when it is 0 so older recorded specs compare equal', () => {
    const job = (update: string) =>
      valid(yaml(`${HOSTS}\njobs:\n  - { name: api, image: api, run_on_host: h2, port: "8080", update: ${update} }\n`))
        .jobs[0];

    expect(job('{ monitor: 1m30s }').update.monitor).toBe(90_000);
    expect(job('{ monitor: 0 }').update).not.toHaveProperty('monitor');
    expect(job('{}').update).not.toHaveProperty('monitor');
  });

  it('reads reconcile, from the job or from defaults; restart (the default) is left out so older recorded specs compare equal', () => {
    const jobs = (text: string) => valid(yaml(`${HOSTS}\n${text}`)).jobs;

    expect(
      jobs('jobs:\n  - { name: api, image: api, run_on_host: h1, port: 80, reconcile: report }\n')[0].reconcile,
    ).toBe('report');
    expect(
      jobs('defaults: { reconcile: report }\njobs:\n  - { name: api, image: api, run_on_host: h1, port: 80 }\n')[0]
        .reconcile,
    ).toBe('report');
    expect(
      jobs(
        'defaults: { reconcile: report }\njobs:\n  - { name: api, image: api, run_on_host: h1, port: 80, reconcile: restart }\n',
      )[0],
    ).not.toHaveProperty('reconcile');
    expect(jobs('jobs:\n  - { name: api, image: api, run_on_host: h1, port: 80 }\n')[0]).not.toHaveProperty(
      'reconcile',
    );
  });

  it('rejects a reconcile policy it does not know, at its line and column', () => {
    expect(
      errors(
        yaml(
          `${HOSTS}\njobs:\n  - name: api\n    image: api\n    run_on_host: h1\n    port: 80\n    reconcile: heal\n`,
        ),
      ),
    ).toEqual([
      {
        file: 'jobs.yaml',
        line: 11,
        column: 16,
        path: 'jobs[0].reconcile',
        message: '"heal" is not one of restart, report',
        hint: 'use one of: restart, report',
      },
    ]);
  });

  it('reads mounts, command, health none and restart as written', () => {
    const environment = valid(
      yaml(`${HOSTS}
jobs:
  api:
    image: localhost:5000/team/api:v2@sha256:${'a'.repeat(64)}
    hosts: [h1, h2]
    port: 80
    mounts: ["/srv/api:/data:ro", { source: logs, target: /logs }]
    command: [java, -jar, app.jar]
    health: none
    restart: always
    resources: { memory: 1g, cpus: 0.5 }
`),
    );

    expect(environment.jobs[0]).toMatchObject({
      image: { registry: 'localhost:5000', repository: 'team/api', tag: 'v2', digest: `sha256:${'a'.repeat(64)}` },
      tasks: [
        { index: 0, host: 'h1', port: 80 },
        { index: 1, host: 'h2', port: 80 },
      ],
      mounts: [
        { source: '/srv/api', target: '/data', readOnly: true },
        { source: 'logs', target: '/logs', readOnly: false },
      ],
      command: ['java', '-jar', 'app.jar'],
      health: { type: 'none' },
      restart: 'always',
      resources: { memory: 1024 ** 3, cpus: 0.5 },
    });
  });
});

describe('validation reports every error at once, with where and what to do', () => {
  it('rejects an unknown key, naming it, listing the allowed ones and suggesting the closest', () => {
    const found = errors(yaml(`${HOSTS}\njobs:\n  - name: api\n    image: api\n    run_on_hots: h1\n    port: 80\n`));
    const issue = found[1];

    expect(found[0].message).toBe('job "api" is not placed on any host');
    expect(issue).toMatchObject({
      line: 9,
      column: 5,
      path: 'jobs[0].run_on_hots',
      message: 'unknown key "run_on_hots"',
    });
    expect(issue.hint).toMatch(
      /^did you mean "run_on_host"\? allowed keys here: name, image, run_on_host, hosts, replicas, port/,
    );
  });

  it('suggests the file spelling of a camelCase policy field', () => {
    const [issue] = errors(
      yaml(`${HOSTS}\njobs:\n  api: { image: api, run_on_host: h1, port: 80, update: { maxParallel: 2 } }\n`),
    );

    expect(issue.message).toBe('unknown key "maxParallel"');
    expect(issue.hint).toContain('did you mean "max_parallel"?');
  });

  it('lists every bad value in one pass, in file order', () => {
    const result = yaml(`${HOSTS}
jobs:
  api:
    image: Bad Image
    hosts: [h1]
    replicas: 0
    port: 70000
    update:
      max_parallel: 0
      max_failure_ratio: 1.5
      healthy_deadline: -1s
      min_healthy_time: "10"
      monitor: 5
    health: { type: http, interval: 2 parsecs }
`);

    expect(errors(result).map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`)).toEqual([
      '8:12 jobs.api.image: "Bad Image" is not an image reference',
      '10:15 jobs.api.replicas: must be a whole number of at least 1, not 0',
      '11:11 jobs.api.port: port 70000 is not between 1 and 65535',
      '13:21 jobs.api.update.max_parallel: must be a whole number of at least 1, not 0',
      '14:26 jobs.api.update.max_failure_ratio: must be a fraction from 0 to 1, not 1.5',
      '15:25 jobs.api.update.healthy_deadline: "-1s" is not a duration',
      '16:25 jobs.api.update.min_healthy_time: "10" is not a duration',
      '17:16 jobs.api.update.monitor: 5 is not a duration',
      '18:13 jobs.api.health.path: an http check needs a path',
      '18:37 jobs.api.health.interval: "2 parsecs" is not a duration',
    ]);
    expect(errors(result).every((e) => e.hint.length > 0 && e.file === 'jobs.yaml')).toBe(true);
  });

  it('reports a duplicate job name at the second, pointing at the first', () => {
    const [issue] = errors(
      yaml(
        `${HOSTS}\njobs:\n  - { name: api, image: a, run_on_host: h1, port: 80 }\n  - { name: api, image: b, run_on_host: h2, port: 81 }\n`,
      ),
    );

    expect(issue).toMatchObject({
      line: 8,
      path: 'jobs[1].name',
      message: 'job "api" is declared twice (first at jobs.yaml:7:13)',
    });
  });

  it('requires exactly one placement, and distinct hosts in a list', () => {
    const result = yaml(`${HOSTS}
jobs:
  both: { image: a, run_on_host: h1, hosts: [h2], port: 80 }
  none: { image: a, port: 81 }
  twice: { image: a, hosts: [h1, h1], port: 82 }
`);

    expect(errors(result).map((e) => e.message)).toEqual([
      'a job takes run_on_host or hosts, not both',
      'job "none" is not placed on any host',
      'host "h1" is listed twice',
    ]);
  });

  it('catches a conflict made by consecutive ports, and ports past 65535', () => {
    const result = yaml(`${HOSTS}
jobs:
  a: { image: a, run_on_host: h1, replicas: 2, port: 8080 }
  b: { image: b, run_on_host: h1, port: 8081 }
  c: { image: c, run_on_host: h2, replicas: 2, port: 65535 }
`);

    expect(errors(result).map((e) => `${e.path}: ${e.message}`)).toEqual([
      'jobs.a.port: port 8081 on host h1 is also taken by job "b" (jobs.yaml:8:41)',
      'jobs.b.port: port 8081 on host h1 is also taken by job "a" (jobs.yaml:7:54)',
      'jobs.c.port: task 1 on h2 would need port 65536, above 65535',
    ]);
  });

  it('suggests a declared host for a misspelt one', () => {
    const [issue] = errors(yaml(`${HOSTS}\njobs:\n  a: { image: a, run_on_host: hl, port: 80 }\n`));

    expect(issue).toMatchObject({
      path: 'jobs.a.run_on_host',
      hint: 'did you mean "h1"? declared hosts: h1, h2; or add it under hosts:',
    });
  });

  it('checks hosts, env keys and health fields', () => {
    const result = yaml(`
hosts:
  h1: ftp://nowhere
jobs:
  a:
    image: a
    run_on_host: h1
    port: 80
    envs: [{ key: A, value: "1" }, { key: A, value: "2" }, { key: 1B, value: x }]
    health: { type: tcp, path: /health }
`);

    expect(errors(result).map((e) => `${e.path}: ${e.message}`)).toEqual([
      'hosts.h1.endpoint: "ftp://nowhere" is not a Docker endpoint',
      'jobs.a.envs[1].key: env "A" is set twice (first at jobs.yaml:9:19)',
      'jobs.a.envs[2].key: "1B" is not an environment variable name',
      'jobs.a.health.path: path applies to http checks, not to "tcp"',
    ]);
  });

  it('says when a section has the wrong shape', () => {
    const result = yaml(`jobs: nope\nhosts: [1]\n`);

    expect(errors(result).map((e) => `${e.path}: ${e.message}`)).toEqual([
      'jobs: must be a list, not "nope"',
      'hosts[0]: must be a mapping, not 1',
    ]);
  });

  it('reports YAML syntax errors with their place, and nothing else', () => {
    const result = yaml('jobs:\n  - name: a\n   image: b\n');

    expect(errors(result)).toHaveLength(1);
    expect(errors(result)[0]).toMatchObject({ file: 'jobs.yaml', line: 3 });
  });

  describe("one YAML syntax error is one error, not the parser's cascade after it", () => {
    const file = `${HOSTS}
jobs:
  - name: web
    image: web:v1
    hosts: [h1, h2]
    port: 8080
  - name: prober
    image: prober:v1
    run_on_host: h2
    port: 4444
`;

    it('a list item out of line: the first place, with what to do', () => {
      const found = errors(yaml(file.replace('  - name: prober', ' - name: prober')));

      expect(found).toEqual([
        {
          file: 'jobs.yaml',
          line: 11,
          column: 1,
          path: '',
          message: 'A block sequence may not be used as an implicit map key',
          hint: 'start every "- " item of a list at the same column as the first one; the rest of the file is checked once this parses',
        },
      ]);
    });

    it.each([
      [
        'a field indented one space short',
        file.replace('    image: web:v1', '   image: web:v1'),
        '8:1',
        'indent every field of a list item to the column of its first field',
      ],
      ['tabs for indentation', file.replace(/\n {4}/g, '\n\t'), '8:1', 'indent with spaces'],
      [
        'a flow list left open, at its [',
        file.replace('[h1, h2]', '[h1, h2'),
        '9:12',
        'close the [ … ] that opens here on the same line',
      ],
      [
        'a quote left open, at the quote',
        file.replace('web:v1', '"web:v1'),
        '8:12',
        'close the quoted string that opens here',
      ],
      ['a value with ": " unquoted', file.replace('web:v1', 'web: v1'), '8:12', 'quote a value that contains ": "'],
    ])('%s', (_, text, place, hint) => {
      const found = errors(yaml(text));

      expect(found.map((e) => `${e.line}:${e.column}`)).toEqual([place]);
      expect(found[0].hint).toContain(hint);
    });

    it('duplicate keys leave the file readable, so every one is reported', () => {
      const found = errors(
        yaml(
          file
            .replace('    port: 8080', '    port: 8080\n    port: 8081')
            .replace('    port: 4444', '    port: 4444\n    image: x'),
        ),
      );

      expect(found.map((e) => `${e.line}:${e.column} ${e.message} (${e.hint})`)).toEqual([
        '11:5 Map keys must be unique (write each key once in a mapping)',
        '16:5 Map keys must be unique (write each key once in a mapping)',
      ]);
    });
  });

  it('rejects jobs in a hosts file, and keeps its errors under its own name', () => {
    const result = parseJobsFile('jobs: < name: "a" >', {
      file: 'x.jobs',
      base: { file: 'hosts.yaml', text: 'jobs: []\n' },
    });

    expect(errors(result)).toEqual([
      {
        file: 'hosts.yaml',
        line: 1,
        column: 1,
        path: 'jobs',
        message: 'a hosts file does not take "jobs"',
        hint: 'jobs belong in the jobs file',
      },
    ]);
  });

  it('rejects a file that is not a mapping', () => {
    expect(errors(yaml('- a\n- b\n'))[0].message).toBe('a jobs file must be a mapping with a jobs section');
  });
});

describe('where each job was written', () => {
  it("maps a YAML job's name to its image, as a validation error would point at it", () => {
    const result = yaml(`${HOSTS}
jobs:
  api:
    image: api:v2
    run_on_host: h1
    port: 80
  web: { image: "web:v1", run_on_host: h2, port: 81 }
`);

    if (!result.ok) throw new Error(formatErrors(result.errors));
    expect(Object.fromEntries(result.sources.jobs)).toEqual({
      api: { image: { file: 'jobs.yaml', line: 8, column: 12, path: 'jobs.api.image' } },
      web: { image: { file: 'jobs.yaml', line: 11, column: 17, path: 'jobs.web.image' } },
    });
  });

  it("maps the talk's text format too, in the jobs file and not in its hosts file", () => {
    const fixed = example('talk.jobs').replace(/(name: "updatehook-listener"[\s\S]*?port: )"9999"/, '$1"9998"');
    const result = parseJobsFile(fixed, { file: 'talk.jobs', base: talkHosts });

    if (!result.ok) throw new Error(formatErrors(result.errors));
    expect(result.sources.jobs.get('coding-blog')?.image).toEqual({
      file: 'talk.jobs',
      line: 9,
      column: 10,
      path: 'jobs[1].image',
    });
    expect([...result.sources.jobs.keys()]).toEqual([
      'coding-prober',
      'coding-blog',
      'webhook-listener',
      'updatehook-listener',
    ]);
  });
});

describe('formatErrors', () => {
  it('prints file:line:col: path: message (hint), one line each', () => {
    const text = formatErrors(errors(yaml(`${HOSTS}\njobs:\n  a: { image: a, run_on_host: h1, port: 0 }\n`)));

    expect(text).toBe(
      'jobs.yaml:7:41: jobs.a.port: port 0 is not between 1 and 65535 (write the TCP port the job listens on, a whole number from 1 to 65535)',
    );
  });
});
