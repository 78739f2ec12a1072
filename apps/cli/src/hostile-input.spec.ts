import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry, HistoryResponse } from '@cj/api';
import { CJ_BIN, RecordedApi, runCj } from './testing';

const HOSTILE_ACTOR = 'mallory@x\u001b]0;owned\u0007';
const HOSTILE_REASON = 'fine\u001b[2J\rops@laptop  JobRemoved\u202e';
const audit: AuditEntry[] = Array.from({ length: 3000 }, (_, i) => ({
  position: String(i),
  at: '2015-06-02T09:30:00.000Z',
  env: 'default',
  stream: 'cj.default.job.web',
  level: 'summary',
  type: 'JobRevisionCreated',
  actor: HOSTILE_ACTOR,
  reason: HOSTILE_REASON,
  summary: `web r${i}`,
}));
const history: HistoryResponse = {
  job: 'web',
  current: 1,
  rollbacks: [],
  revisions: [
    {
      revision: 1,
      image: 'web:v1',
      changes: [],
      actor: HOSTILE_ACTOR,
      reason: HOSTILE_REASON,
      at: '2015-06-02T09:30:00.000Z',
    },
  ],
};
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;

describe('cj against hostile answers and careless use', () => {
  let api: RecordedApi;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cj-hostile-'));
    api = await new RecordedApi()
      .on('GET', '/v1/envs/default/audit', { json: audit })
      .on('GET', '/v1/envs/default/jobs/web/history', { json: history })
      .on('POST', '/v1/envs/default/jobs/web/up', {
        status: 409,
        json: { type: 'x', title: 'Conflict', status: 409, detail: `held by ${HOSTILE_ACTOR}` },
      })
      .on('POST', '/v1/envs/default/apply', {
        status: 413,
        json: {
          type: 'x',
          title: 'Payload too large',
          status: 413,
          detail: 'the body is more than 4194304 bytes (the request body limit)',
        },
      })
      .start();
  });
  afterAll(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([[['audit']], [['history', 'web']]])(
    '%j prints recorded control characters escaped, never raw',
    async (args) => {
      const result = await runCj(args, { url: api.url });
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(RAW_CONTROL);
      expect(result.stdout).toContain('mallory@x\\x1b]0;owned\\x07');
      expect(result.stdout).toContain('fine\\x1b[2J\\rops@laptop  JobRemoved\\u202e');
    },
  );

  it('keeps the exact text with --json, where JSON escapes it', async () => {
    const result = await runCj(['history', 'web', '--json'], { url: api.url });
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect((JSON.parse(result.stdout) as HistoryResponse).revisions[0].actor).toBe(HOSTILE_ACTOR);
  });

  it("prints an error's recorded text escaped on stderr", async () => {
    const result = await runCj(['up', 'web'], { url: api.url });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
    expect(result.stderr).toContain('held by mallory@x\\x1b]0;owned\\x07');
  });

  it("ends quietly with the pipe's status when the reader goes away (cj audit | head -1)", async () => {
    // Asynchronously: the recorded API answers from this very process.
    const child = spawn(
      'bash',
      ['-c', `"${process.execPath}" "${CJ_BIN}" audit | head -n 1 >/dev/null; echo "status=\${PIPESTATUS[0]}"`],
      {
        env: { ...process.env, CJ_URL: api.url },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    expect(stdout.trim()).toBe('status=141');
    expect(stderr).toBe('');
  });

  it('refuses a file past the size limit before reading it, exit 2, sending nothing', async () => {
    const file = join(dir, 'big.yaml');
    writeFileSync(file, `jobs: []\n# ${'x'.repeat(5 * 1024 * 1024)}\n`);
    const before = api.requestsTo('POST', '/v1/envs/default/apply').length;
    const result = await runCj(['apply', file], { url: api.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /big\.yaml is \d+ bytes, more than 1048576 bytes \(the jobs file size limit\); it was not read/,
    );
    expect(api.requestsTo('POST', '/v1/envs/default/apply')).toHaveLength(before);
  });

  it('exits 2 when the orchestrator answers 413', async () => {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, 'jobs: []\n');
    const result = await runCj(['apply', file, '--yes'], { url: api.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(the request body limit)');
  });

  it.each(['/v1', '/v1/', '/'])('takes --url ending in %s as the base URL', async (suffix) => {
    const result = await runCj(['history', 'web', '--url', `${api.url}${suffix}`]);
    expect(result.code).toBe(0);
    expect(api.requests[api.requests.length - 1].url).toBe('/v1/envs/default/jobs/web/history');
  });
});
