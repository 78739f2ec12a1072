import { LIMITS } from '@cj/api';
import { formatErrors, type JobsFileIssue } from './issues';
import { parseJobsFile, type ParseResult } from './parse-jobs-file';

const HEAD = 'hosts:\n  h1: unix:///var/run/docker.sock\njobs:\n';
const job = (extra = '', name = 'web') =>
  `  - name: ${name}\n    image: web:v1\n    run_on_host: h1\n    port: 8080\n${extra}`;

const yaml = (text: string) => parseJobsFile(text, { file: 'jobs.yaml' });
const talk = (text: string) =>
  parseJobsFile(text, {
    file: 'talk.jobs',
    base: { file: 'hosts.yaml', text: 'hosts:\n  h1: unix:///var/run/docker.sock\n' },
  });

function errors(result: ParseResult): readonly JobsFileIssue[] {
  if (result.ok) throw new Error('expected errors, the file was valid');
  return result.errors;
}

function onlyError(result: ParseResult): JobsFileIssue {
  const found = errors(result);
  if (found.length !== 1) throw new Error(`expected one error, got:\n${formatErrors(found)}`);
  return found[0];
}

describe('limits of the jobs file', () => {
  it("given a YAML alias bomb under 1 KB, when it is read, then the yaml library's alias limit refuses it at the first alias", () => {
    let text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n';
    let previous = 'a';
    for (const name of 'bcdefghij') {
      text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
      previous = name;
    }
    expect(text.length).toBeLessThan(1024);

    const issue = onlyError(yaml(text));

    expect(issue).toMatchObject({ line: 2, message: expect.stringContaining(`limit of ${LIMITS.yamlAliases}`) });
    expect(issue.column).toBeGreaterThan(1);
  });

  it('given a few aliases, when the file is read, then they are expanded as before', () => {
    const text = `hosts:\n  h1: unix:///var/run/docker.sock\nx-health: &health { type: http, path: /health }\njobs:\n${job('    health: *health\n')}`;
    const result = parseJobsFile(
      text.replace(
        'x-health: &health { type: http, path: /health }\n',
        'defaults:\n  health: &health { type: http, path: /health }\n',
      ),
      { file: 'jobs.yaml' },
    );
    expect(result.ok).toBe(true);
  });

  it.each([
    ['YAML flow lists', 'jobs: ' + '['.repeat(10_000) + ']'.repeat(10_000), yaml],
    [
      'YAML block maps',
      'jobs:\n' + Array.from({ length: 200 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n'),
      yaml,
    ],
    ['text format blocks', 'jobs ' + '< key: '.repeat(50_000), talk],
  ])('given %s nested past the limit, when read, then one error names the nesting limit', (_what, text, read) => {
    expect(onlyError(read(text)).message).toMatch(/nest.*deeper than 32 levels \(the nesting limit\)|nests deeper/);
  });

  it.each([
    [
      'replicas: 1000000000',
      job('    replicas: 1000000000\n'),
      'jobs[0].replicas',
      /at most 1000 \(the replicas limit\)/,
    ],
    [
      'delay_between_batches: 600h',
      job('    update: { delay_between_batches: 600h }\n'),
      'jobs[0].update.delay_between_batches',
      /longer than 24h \(the duration limit\)/,
    ],
    [
      'monitor: 99999999999h',
      job('    update: { monitor: 99999999999h }\n'),
      'jobs[0].update.monitor',
      /longer than 24h/,
    ],
    ['interval: 0', job('    health: { type: tcp, interval: 0 }\n'), 'jobs[0].health.interval', /shorter than 100ms/],
    ['timeout: 0', job('    health: { type: tcp, timeout: 0 }\n'), 'jobs[0].health.timeout', /shorter than 100ms/],
    [
      'max_parallel: 1e9',
      job('    update: { max_parallel: 1000000000 }\n'),
      'jobs[0].update.max_parallel',
      /at most 1000 \(the max_parallel limit\)/,
    ],
    [
      'cpus: 1e9',
      job('    resources: { cpus: 1000000000 }\n'),
      'jobs[0].resources.cpus',
      /at most 1024 \(the cpus limit\)/,
    ],
    ['memory: 1e30', job('    resources: { memory: 1e30 }\n'), 'jobs[0].resources.memory', /memory limit/],
    ['a 300-character name', job('', 'a'.repeat(300)), 'jobs[0].name', /at most 63 characters \(the name limit\)/],
    ['a NUL in a quoted env value', job('    envs: { A: "x\\0y" }\n'), 'jobs[0].envs.A.value', /NUL/],
  ])('given %s, when validated, then it is refused at its line naming the limit', (_what, jobText, path, message) => {
    const issue = onlyError(yaml(HEAD + jobText));
    expect(issue).toMatchObject({ file: 'jobs.yaml', path, message: expect.stringMatching(message) });
    expect(issue.line).toBeGreaterThan(3);
  });

  it('given more jobs than the limit, when validated, then one error at jobs: names the limit', () => {
    const text =
      HEAD +
      Array.from(
        { length: 10_000 },
        (_, i) => `  - { name: j${i}, image: w, run_on_host: h1, port: ${1000 + i} }\n`,
      ).join('');
    expect(text.length).toBeLessThan(LIMITS.jobsFileBytes);
    const issue = onlyError(yaml(text));
    expect(issue).toMatchObject({
      line: 3,
      column: 1,
      path: 'jobs',
      message: `10000 jobs, more than ${LIMITS.jobs} (the jobs limit)`,
    });
  });

  it('given jobs whose tasks together pass the per-environment limit, when validated, then it is refused', () => {
    const text =
      HEAD +
      Array.from({ length: 21 }, (_, i) =>
        job(`    replicas: 100\n`, `job-${i}`).replace('port: 8080', `port: ${10_000 + i * 100}`),
      ).join('');
    expect(onlyError(yaml(text)).message).toBe(
      `the jobs run 2100 tasks, more than ${LIMITS.tasksPerEnvironment} (the tasks per environment limit)`,
    );
  });

  it('given a file past the size limit, when parsed, then it is refused before it is read', () => {
    const text = HEAD + job() + `# ${'x'.repeat(LIMITS.jobsFileBytes)}\n`;
    expect(onlyError(yaml(text))).toMatchObject({
      line: 1,
      column: 1,
      message: expect.stringContaining('(the jobs file size limit)'),
    });
  });

  it.each([
    ['invalid UTF-8 (U+FFFD)', HEAD + job('    envs: { A: "caf\uFFFD" }\n'), 8, /not UTF-8/],
    ['a raw NUL byte', HEAD + job('    envs: { A: "a\0b" }\n'), 8, /NUL/],
  ])('given %s, when parsed, then it is refused at its place', (_what, text, line, message) => {
    expect(onlyError(yaml(text))).toMatchObject({ line, message: expect.stringMatching(message) });
  });

  it('given a UTF-16 file, when parsed, then the error says to save it as UTF-8', () => {
    const utf16 = Buffer.from('\uFEFF' + HEAD + job(), 'utf16le').toString('utf8');
    expect(onlyError(yaml(utf16)).message).toMatch(/not UTF-8|NUL/);
    expect(onlyError(yaml('\uFEFF' + HEAD + job())).message).toMatch(/not UTF-8.*UTF-16/);
  });
});

/** A small deterministic generator (mulberry32), so a failure is reproduced by its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const YAML_SEED =
  HEAD +
  job(
    '    replicas: 2\n    envs: { A: "1", B: x }\n    health: { type: http, path: /h, interval: 1s }\n    update: { max_parallel: 2, monitor: 5s }\n    mounts: ["/srv/data:/data:ro"]\n',
  );
const TALK_SEED =
  'jobs: <\n  name: "web"\n  image: "web:v1"\n  run_on_host: "h1"\n  port: "8080"\n  envs: < key: "A" value: "1" >\n>\n';
const PIECES = [
  '&a ',
  '*a',
  '<<: ',
  '[',
  ']',
  '{',
  '}',
  '<',
  '>',
  ':',
  '"',
  "'",
  '\\',
  '\n',
  '  ',
  '-',
  '#',
  '\0',
  '\uFFFD',
  '\u202e',
  '1e308',
  '-1',
  '99999999999h',
  'jobs',
  'name:',
  '!!binary ',
  '%YAML 1.1\n',
  '---\n',
  '...',
];

function mutate(text: string, next: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(next() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (out.length + 1));
    const choice = next();
    if (choice < 0.4) out = out.slice(0, at) + PIECES[Math.floor(next() * PIECES.length)] + out.slice(at);
    else if (choice < 0.7) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 8));
    else if (choice < 0.85)
      out = out.slice(0, at) + out.slice(at, at + 40).repeat(1 + Math.floor(next() * 50)) + out.slice(at);
    else out = out.slice(0, at) + String.fromCharCode(Math.floor(next() * 0x3000)) + out.slice(at);
  }
  return out;
}

describe('fuzzing both readers (seed 1108, at most 4 s each)', () => {
  it.each([
    ['YAML', YAML_SEED, yaml],
    ['text format', TALK_SEED, talk],
  ])(
    'given mutated %s files, when parsed, then each is valid or refused with located errors, never a throw',
    (_form, seed, read) => {
      const next = random(1108);
      const deadline = Date.now() + 4000;
      let runs = 0;
      let refused = 0;
      while (runs < 3000 && Date.now() < deadline) {
        const text = mutate(seed, next);
        let result: ParseResult;
        try {
          result = read(text);
        } catch (error) {
          throw new Error(`run ${runs} threw on ${JSON.stringify(text)}: ${String(error)}`);
        }
        if (!result.ok) {
          refused += 1;
          for (const issue of result.errors) {
            expect(issue.line).toBeGreaterThanOrEqual(1);
            expect(issue.column).toBeGreaterThanOrEqual(1);
            expect(issue.message.length).toBeGreaterThan(0);
          }
        }
        runs += 1;
      }
      expect(runs).toBeGreaterThan(100);
      expect(refused).toBeGreaterThan(0);
    },
  );
});
