import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { ApiProblem } from '@cj/api';
import { ORCHESTRATOR_BIN, OrchestratorProcess } from '../testing';

jest.setTimeout(60_000);

const OPERATOR = 'operator-token-e2e-0123456789';
const READER = 'reader-token-e2e-0123456789';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const emptyApply = () => ({
  actor: 'tester@e2e',
  commandId: randomUUID(),
  jobs: { file: 'jobs.yaml', text: 'environment: sec\nhosts: {}\njobs: []\n' },
});

describe('the orchestrator process', () => {
  it('refuses to listen off loopback without a token, saying how to fix it', () => {
    const result = spawnSync(process.execPath, [ORCHESTRATOR_BIN, '--listen', '0.0.0.0:7421', '--store', ':memory:'], {
      encoding: 'utf8',
      env: { ...process.env, CJ_TOKEN: '' },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--listen "0.0.0.0:7421" is invalid: .*--token \/ CJ_TOKEN/);
  });

  it('logs JSON lines and exits 0 on SIGTERM after closing everything', async () => {
    const orchestrator = await OrchestratorProcess.start();
    expect((await orchestrator.request('GET', '/metrics')).text).toMatch(/cj_projection_position/);
    expect(await orchestrator.signal('SIGTERM')).toBe(0);
    const lines = orchestrator.log.trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(
      expect.arrayContaining(['listening', 'shutting down', 'stopped']),
    );
    await orchestrator.stop();
  });

  describe('with operator and read-only tokens', () => {
    let orchestrator: OrchestratorProcess;
    beforeAll(async () => {
      orchestrator = await OrchestratorProcess.start({ env: { CJ_TOKEN: OPERATOR, CJ_READ_TOKEN: READER } });
    });
    afterAll(() => orchestrator?.stop());

    it('lets anyone read /healthz', async () => {
      expect((await orchestrator.request('GET', '/healthz')).status).toBe(200);
    });

    it('requires a token for everything else', async () => {
      const answer = await orchestrator.request<ApiProblem>('GET', '/v1/envs/sec/status');
      expect(answer.status).toBe(401);
      expect(answer.body.hint).toMatch(/Bearer/);
      expect(
        (await orchestrator.request('GET', '/v1/envs/sec/status', undefined, bearer('wrong-token-0123456789'))).status,
      ).toBe(401);
    });

    it('lets the read-only token read but not change', async () => {
      expect((await orchestrator.request('GET', '/v1/envs/sec/status', undefined, bearer(READER))).status).toBe(200);
      const refused = await orchestrator.request<ApiProblem>(
        'POST',
        '/v1/envs/sec/apply',
        emptyApply(),
        bearer(READER),
      );
      expect(refused.status).toBe(403);
      expect(refused.body.hint).toBe('use the operator token');
    });

    it('lets the operator token change', async () => {
      const applied = await orchestrator.request('POST', '/v1/envs/sec/apply', emptyApply(), bearer(OPERATOR));
      expect(applied.status).toBe(200);
    });
  });
});
