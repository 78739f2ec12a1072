import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApplyResponse } from '@cj/api';
import { fixtures, RecordedApi, runCj } from '../testing';

const APPLY = '/v1/envs/default/apply';
const JOBS =
  'jobs: <\n  name: "webhook-listener"\n  image: "webhook-listener:a5af2f2"\n  run_on_host: "git-app-1"\n  port: "9999"\n>\n';
const HOSTS = 'hosts:\n  git-app-1: unix:///var/run/docker.sock\n';

const plan = (dryRun: boolean): ApplyResponse => ({
  env: 'default',
  dryRun,
  plan: [
    {
      job: 'webhook-listener',
      action: 'update',
      changes: [{ path: 'image.tag', before: 'a5af2f2', after: 'b7c8d9e', kind: 'container' }],
      ...(dryRun ? {} : { revision: 3, rolloutId: '6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01' }),
    },
    { job: 'coding-blog', action: 'unchanged', changes: [] },
    {
      job: 'web',
      action: 'update',
      changes: [{ path: 'update.minHealthyTime', before: 1000, after: 5000, kind: 'policy' }],
      inPlace: true,
      ...(dryRun ? {} : { revision: 8 }),
    },
  ],
});

describe('cj apply', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cj-apply-'));
  const jobsFile = join(dir, 'jobs.txt');
  const hostsFile = join(dir, 'hosts.yaml');
  writeFileSync(jobsFile, JOBS);
  writeFileSync(hostsFile, HOSTS);
  let api: RecordedApi;

  afterEach(() => api.stop());

  it('sends the files as text with who and why, applies without asking when piped, and prints the plan', async () => {
    api = await new RecordedApi().on('POST', APPLY, { json: plan(false) }).start();
    const result = await runCj(['apply', jobsFile, '--base', hostsFile, '--reason', 'move to b7c8d9e'], {
      url: api.url,
    });
    expect(result.code).toBe(0);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0].body).toEqual({
      actor: expect.stringContaining('@'),
      commandId: expect.any(String),
      reason: 'move to b7c8d9e',
      jobs: { file: jobsFile, text: JOBS },
      base: { file: hostsFile, text: HOSTS },
      dryRun: false,
    });
    expect(result.stdout).toBe(
      [
        'Plan for default:',
        '  ~ webhook-listener',
        '      image.tag: a5af2f2 → b7c8d9e  (replaces containers)',
        '    coding-blog (unchanged)',
        '  ~ web (policy only: in place, no container replaced)',
        '      update.minHealthyTime: 1000 → 5000  (policy only)',
        'webhook-listener: recorded r3',
        'webhook-listener: rollout 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01 started; follow it with `cj rollout status 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01 --wait`',
        'web: recorded r8, in effect now (no container replaced)',
        '',
      ].join('\n'),
    );
  });

  it('records nothing with --dry-run, and --json prints the answer as is', async () => {
    api = await new RecordedApi().on('POST', APPLY, { json: plan(true) }).start();
    const result = await runCj(['apply', jobsFile, '--dry-run', '--json'], { url: api.url });
    expect(result.code).toBe(0);
    expect(api.requests[0].body).toMatchObject({ dryRun: true });
    expect(JSON.parse(result.stdout)).toEqual(plan(true));
  });

  it('on a terminal shows the dry-run plan and applies only after a yes', async () => {
    api = await new RecordedApi().on('POST', APPLY, { json: plan(true) }, { json: plan(false) }).start();
    const declined = await runCj(['apply', jobsFile], { url: api.url, tty: true, input: 'n\n' });
    expect(declined.code).toBe(0);
    expect(declined.stdout).toContain('Apply to default? [y/N] ');
    expect(declined.stdout).toContain('Nothing applied.');
    expect(api.requests.map((r) => (r.body as { dryRun: boolean }).dryRun)).toEqual([true]);

    const accepted = await runCj(['apply', jobsFile], { url: api.url, tty: true, input: 'y\n' });
    expect(accepted.code).toBe(0);
    expect(api.requests.map((r) => (r.body as { dryRun: boolean }).dryRun)).toEqual([true, true, false]);
    expect(accepted.stdout).toContain('webhook-listener: recorded r3');
  });

  it('says which dropped hosts it retired, and what keeps the others, in the table and as JSON', async () => {
    const dropped = (dryRun: boolean): ApplyResponse => ({
      env: 'default',
      dryRun,
      plan: [{ job: 'webhook-listener', action: 'unchanged', changes: [] }],
      droppedHosts: [
        { host: 'core-app-2', action: 'retire', holds: [] },
        {
          host: 'git-app-2',
          action: 'keep',
          holds: [
            { kind: 'task', job: 'webhook-listener', task: 1, containerId: '0123456789abcdef0123' },
            { kind: 'rollout', job: 'webhook-listener', rolloutId: 'ro-7' },
          ],
        },
      ],
    });
    api = await new RecordedApi().on('POST', APPLY, { json: dropped(false) }).start();
    const result = await runCj(['apply', jobsFile, '--base', hostsFile], { url: api.url });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'Plan for default:',
        '    webhook-listener (unchanged)',
        '  - host core-app-2 (no longer in the file)',
        '  ! host git-app-2 (no longer in the file; kept while webhook-listener task 1 runs there, rollout ro-7 of webhook-listener is in progress)',
        'host core-app-2: retired',
        'host git-app-2: kept while webhook-listener task 1 runs there (container 0123456789ab), rollout ro-7 of webhook-listener is in progress; the first apply after that retires it ' +
          '(roll webhook-listener out (cj rolling-update webhook-listener): a rollout that succeeds removes what its new placement left on git-app-2; a rollback would start its old containers there again: wait for rollout ro-7 to end)',
        '',
      ].join('\n'),
    );

    const json = await runCj(['apply', jobsFile, '--base', hostsFile, '--json'], { url: api.url });
    expect(JSON.parse(json.stdout)).toEqual(dropped(false));
  });

  it('counts only kept dropped hosts as no change', async () => {
    api = await new RecordedApi()
      .on('POST', APPLY, {
        json: {
          env: 'default',
          dryRun: true,
          plan: [],
          droppedHosts: [
            { host: 'h2', action: 'keep', holds: [{ kind: 'task', job: 'web', task: 0, containerId: 'abc' }] },
          ],
        },
      })
      .start();
    const result = await runCj(['apply', jobsFile, '--dry-run'], { url: api.url });
    expect(result.stdout).toMatch(
      /^ {2}! host h2 \(no longer in the file; kept while web task 0 runs there\)\nNo changes\.\n$/m,
    );
    expect(result.stdout).not.toContain('retired');
  });

  it('prints every jobs-file error as file:line:col: message (hint) and exits 2', async () => {
    api = await new RecordedApi().on('POST', APPLY, { status: 422, json: fixtures.invalidJobsFile }).start();
    const result = await runCj(['apply', jobsFile], { url: api.url });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'cj: the jobs file has 2 errors; nothing was recorded',
        'jobs.yaml:4:5: port must be a number from 1 to 65535 (e.g. port: 9999)',
        'jobs.yaml:9:3: host git-app-9 is not declared',
        '  hint: fix each error and apply again',
        '',
      ].join('\n'),
    );
  });
});
