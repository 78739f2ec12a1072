import type { UpDownResponse } from '@cj/api';
import { fixtures, RecordedApi, runCj } from '../testing';

const up: UpDownResponse = {
  tasks: [
    { job: 'webhook-listener', task: 0, host: 'git-app-1', containerId: 'c0ffee0123456789abcdef', action: 'started' },
    {
      job: 'webhook-listener',
      task: 1,
      host: 'git-app-2',
      containerId: 'beef0123456789abcdef',
      action: 'already-running',
    },
  ],
};

describe('cj up / down', () => {
  let api: RecordedApi;

  beforeAll(async () => {
    api = await new RecordedApi()
      .on('POST', '/v1/envs/default/jobs/webhook-listener/up', { json: up })
      .on('POST', '/v1/envs/default/jobs/webhook-listener/down', {
        json: { tasks: [{ job: 'webhook-listener', task: 0, host: 'git-app-1', action: 'removed' }] },
      })
      .on('POST', '/v1/envs/default/jobs/nope/up', { status: 404, json: fixtures.unknownJob })
      .start();
  });
  afterAll(() => api.stop());

  it('up: what happened to each task, with who and why recorded', async () => {
    const result = await runCj(['up', 'webhook-listener', '--reason', 'first start'], { url: api.url });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'JOB               TASK  HOST       CONTAINER     ACTION',
        'webhook-listener     0  git-app-1  c0ffee012345  started',
        'webhook-listener     1  git-app-2  beef01234567  already-running',
        '',
      ].join('\n'),
    );
    expect(api.requests.at(-1)?.body).toEqual({
      actor: expect.stringContaining('@'),
      commandId: expect.any(String),
      reason: 'first start',
    });
  });

  it('down: the removed containers', async () => {
    const result = await runCj(['down', 'webhook-listener'], { url: api.url });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^webhook-listener +0 +git-app-1 +- +removed$/m);
    expect(api.requests.at(-1)?.body).not.toHaveProperty('reason');
  });

  it('an unknown job: the problem on stderr and exit 1', async () => {
    const result = await runCj(['up', 'nope'], { url: api.url });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('cj: job nope is not recorded in default\n  hint: list the jobs with `cj status`\n');
  });
});
