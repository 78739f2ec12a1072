import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { openSqliteEventStore } from '@cj/event-store';
import { LIMITS, type ApiProblem, type ApplyResponse } from '@cj/api';
import { OrchestratorProcess } from '../testing';

jest.setTimeout(180_000);

const ENV = 'hostile';
const HOSTS = 'registry: 127.77.0.1:5000\nhosts:\n  h1: tcp://127.0.0.1:9\n';
const change = () => ({ actor: 'mallory@e2e', commandId: randomUUID() });
const job = (extra = '', name = 'web') =>
  `  - name: ${name}\n    image: 127.77.0.1:5000/cj-demo:v1\n    run_on_host: h1\n    port: 8080\n${extra}`;
const jobsFile = (text: string, file = 'jobs.yaml') => ({ ...change(), dryRun: false, jobs: { file, text } });

/**
 * Hostile and careless input against the real orchestrator process: every case gets a clear 4xx
 * naming what is wrong, records nothing, and leaves the process answering /healthz at once with
 * its memory bounded.
 */
describe('hostile input against the orchestrator', () => {
  let orchestrator: OrchestratorProcess;

  async function eventCount(): Promise<number> {
    const store = openSqliteEventStore(orchestrator.store);
    try {
      return (await store.readAll()).length;
    } finally {
      await store.close();
    }
  }

  function residentMegabytes(): number {
    const status = readFileSync(`/proc/${orchestrator.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
  }

  async function raw(method: string, path: string, body: string, headers: Record<string, string>) {
    const response = await fetch(`${orchestrator.url}${path}`, { method, body, headers });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      problem: (text.startsWith('{') ? JSON.parse(text) : { detail: text }) as ApiProblem,
    };
  }

  /** Sends, then checks that the process answers /healthz within 1 s, stayed under 400 MB and recorded nothing. */
  async function survives<T>(action: () => Promise<T>): Promise<T> {
    const before = await eventCount();
    const result = await action();
    const started = Date.now();
    const health = await fetch(`${orchestrator.url}/healthz`, { signal: AbortSignal.timeout(1000) });
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(residentMegabytes()).toBeLessThan(400);
    expect(await eventCount()).toBe(before);
    return result;
  }

  beforeAll(async () => {
    orchestrator = await OrchestratorProcess.start({ readyTimeoutMs: 90_000 });
  });
  afterAll(() => orchestrator?.stop());

  describe('jobs files', () => {
    async function refusedFile(text: string, file = 'jobs.yaml') {
      const answer = await survives(() =>
        orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/apply`, jobsFile(text, file)),
      );
      expect(answer.status).toBe(422);
      return answer.body.errors ?? [];
    }

    it("refuses a YAML alias bomb under 1 KB at the alias, by the library's alias limit", async () => {
      let text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n';
      let previous = 'a';
      for (const name of 'bcdefghij') {
        text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
        previous = name;
      }
      const [error] = await refusedFile(text);
      expect(error).toMatchObject({
        file: 'jobs.yaml',
        line: 2,
        message: expect.stringContaining(`limit of ${LIMITS.yamlAliases}`),
      });
    });

    it.each([
      ['replicas: 1000000000 (dry run too)', job('    replicas: 1000000000\n'), /the replicas limit/],
      ['delay_between_batches: 600h', job('    update: { delay_between_batches: 600h }\n'), /longer than 24h/],
      ['monitor: 99999999999h', job('    update: { monitor: 99999999999h }\n'), /longer than 24h/],
      ['interval: 0', job('    health: { type: tcp, interval: 0 }\n'), /shorter than 100ms/],
      ['timeout: 0', job('    health: { type: tcp, timeout: 0 }\n'), /shorter than 100ms/],
      ['max_parallel: 1e9', job('    update: { max_parallel: 1000000000 }\n'), /the max_parallel limit/],
      ['cpus: 1e9', job('    resources: { cpus: 1000000000 }\n'), /the cpus limit/],
      ['memory: 1e30', job('    resources: { memory: 1e30 }\n'), /the memory limit/],
      ['a 300-character job name', job('', 'a'.repeat(300)), /the name limit/],
      ['a NUL in a quoted env value', job('    envs: { A: "x\\0y" }\n'), /NUL/],
      ['invalid UTF-8, decoded as U+FFFD', job('    envs: { A: "caf\uFFFD" }\n'), /not UTF-8/],
    ])('refuses %s at file:line:col, naming the limit', async (_what, jobText, message) => {
      const errors = await refusedFile(`environment: ${ENV}\n${HOSTS}jobs:\n${jobText}`);
      expect(errors).toEqual([expect.objectContaining({ file: 'jobs.yaml', message: expect.stringMatching(message) })]);
      expect(errors[0].line).toBeGreaterThan(3);
    });

    it('refuses 10,000 jobs at jobs:, before validating each, answering /healthz at once meanwhile', async () => {
      const text = `environment: ${ENV}\n${HOSTS}jobs:\n${Array.from({ length: 10_000 }, (_, i) => `  - { name: j${i}, image: w, run_on_host: h1, port: ${1000 + i} }\n`).join('')}`;
      const pending = refusedFile(text);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      expect((await fetch(`${orchestrator.url}/healthz`, { signal: AbortSignal.timeout(1000) })).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
      const errors = await pending;
      expect(errors).toEqual([
        expect.objectContaining({
          line: 5,
          column: 1,
          message: `10000 jobs, more than ${LIMITS.jobs} (the jobs limit)`,
        }),
      ]);
    });

    it('refuses text format nested 50,000 levels, and YAML nested 10,000, naming the nesting limit', async () => {
      const [text] = await refusedFile('jobs ' + '< key: '.repeat(50_000), 'talk.jobs');
      expect(text.message).toMatch(/deeper than 32 levels \(the nesting limit\)/);
      const [yaml] = await refusedFile('jobs: ' + '['.repeat(10_000) + ']'.repeat(10_000));
      expect(yaml.message).toMatch(/deeper than 32 levels \(the nesting limit\)/);
    });

    it('refuses a UTF-16 file, saying to save it as UTF-8', async () => {
      const utf16 = Buffer.from(`\uFEFFenvironment: ${ENV}\n${HOSTS}jobs:\n${job()}`, 'utf16le').toString('latin1');
      const [error] = await refusedFile(utf16);
      expect(error.message).toMatch(/not UTF-8|NUL/);
    });
  });

  describe('requests', () => {
    it.each([10, 60])('answers a %i MB body 413, naming the body limit', async (megabytes) => {
      const body = JSON.stringify({ ...change(), jobs: { file: 'x.yaml', text: 'x'.repeat(megabytes * 1024 * 1024) } });
      const answer = await survives(() =>
        raw('POST', `/v1/envs/${ENV}/apply`, body, { 'content-type': 'application/json' }),
      );
      expect(answer.status).toBe(413);
      expect(answer.problem.detail).toContain(`(the request body limit)`);
    });

    it('answers a chunked body past the limit 413 too', async () => {
      const chunks = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 6; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(1024 * 1024)));
          controller.close();
        },
      });
      const response = await survives(() =>
        fetch(`${orchestrator.url}/v1/envs/${ENV}/apply`, {
          method: 'POST',
          body: chunks,
          headers: { 'content-type': 'application/json' },
          duplex: 'half',
        } as RequestInit),
      );
      expect(response.status).toBe(413);
    });

    it('answers text/plain 415', async () => {
      const answer = await survives(() =>
        raw('POST', `/v1/envs/${ENV}/apply`, JSON.stringify(jobsFile('jobs: []')), { 'content-type': 'text/plain' }),
      );
      expect(answer.status).toBe(415);
      expect(answer.problem.hint).toBe('send Content-Type: application/json');
    });

    it('answers JSON nested 10,000 levels 400, naming the nesting limit', async () => {
      const body = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
      const answer = await survives(() =>
        raw('POST', `/v1/envs/${ENV}/apply`, body, { 'content-type': 'application/json' }),
      );
      expect(answer.status).toBe(400);
      expect(answer.problem.detail).toMatch(/nesting limit/);
    });

    it('answers malformed JSON 400', async () => {
      const answer = await survives(() =>
        raw('POST', `/v1/envs/${ENV}/apply`, '{"actor":', { 'content-type': 'application/json' }),
      );
      expect(answer.status).toBe(400);
    });

    it('answers diff with {} and apply without jobs 400, saying jobs is missing', async () => {
      const diff = await survives(() => orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/diff`, {}));
      expect(diff.status).toBe(400);
      expect(diff.body.detail).toMatch(/jobs is missing/);
      const apply = await survives(() => orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/apply`, change()));
      expect(apply.status).toBe(400);
      expect(apply.body.detail).toMatch(/jobs is missing/);
    });

    it.each([
      ['a.b', 'a.b', /job name "a.b" is not valid/],
      ['of 300 characters', 'x'.repeat(300), /at most 63 characters/],
    ])('answers a job name %s in a path 400, with the same rule as the jobs file', async (_what, name, message) => {
      const answer = await survives(() =>
        orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/jobs/${name}/up`, change()),
      );
      expect(answer.status).toBe(400);
      expect(`${answer.body.detail} ${answer.body.hint}`).toMatch(message);
    });

    it('answers a wrong method 405 with Allow, and carries no X-Powered-By, nosniff and no-store', async () => {
      const wrong = await fetch(`${orchestrator.url}/v1/envs/${ENV}/apply`);
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('POST');
      const status = await fetch(`${orchestrator.url}/v1/envs/${ENV}/status`);
      expect(status.headers.get('x-powered-by')).toBeNull();
      expect(status.headers.get('x-content-type-options')).toBe('nosniff');
      expect(status.headers.get('cache-control')).toBe('no-store');
    });
  });

  describe('command ids', () => {
    const emptyFile = (text = `environment: ${ENV}\nhosts: {}\njobs: []\n`) => ({ file: 'jobs.yaml', text });

    it('answers a retry with the same id and body with the first answer, and records once', async () => {
      const request = { actor: 'alice@e2e', commandId: randomUUID(), jobs: emptyFile() };
      const first = await orchestrator.request<ApplyResponse>('POST', `/v1/envs/${ENV}/apply`, request);
      expect(first.status).toBe(200);
      const retry = await survives(() => orchestrator.request<ApplyResponse>('POST', `/v1/envs/${ENV}/apply`, request));
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
    });

    it('answers the same id with another body 409 naming the first command, before any side effect', async () => {
      const commandId = randomUUID();
      expect(
        (
          await orchestrator.request('POST', `/v1/envs/${ENV}/apply`, {
            actor: 'alice@e2e',
            commandId,
            jobs: emptyFile(),
          })
        ).status,
      ).toBe(200);

      const other = await survives(() =>
        orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/apply`, {
          actor: 'alice@e2e',
          commandId,
          jobs: emptyFile(`environment: ${ENV}\nhosts: { h9: "tcp://127.0.0.1:9" }\njobs: []\n`),
        }),
      );
      expect(other.status).toBe(409);
      expect(other.body.detail).toContain(`commandId ${commandId} was already used by POST /v1/envs/${ENV}/apply`);

      // `up` of a job that does not exist would be a 404: the reused id is refused before the handler runs.
      const up = await survives(() =>
        orchestrator.request<ApiProblem>('POST', `/v1/envs/${ENV}/jobs/web/up`, { actor: 'alice@e2e', commandId }),
      );
      expect(up.status).toBe(409);
      expect(up.body.type).toBe('https://cj.dev/problems/command-id-reused');
    });

    it('lets a refused command be retried with its id once corrected', async () => {
      const commandId = randomUUID();
      const bad = await orchestrator.request('POST', `/v1/envs/${ENV}/apply`, {
        actor: 'alice@e2e',
        commandId,
        jobs: emptyFile('jobs: [1]\n'),
      });
      expect(bad.status).toBe(422);
      const corrected = await orchestrator.request('POST', `/v1/envs/${ENV}/apply`, {
        actor: 'alice@e2e',
        commandId,
        jobs: emptyFile(),
      });
      expect(corrected.status).toBe(200);
    });
  });
});
