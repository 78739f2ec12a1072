import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiffResponse } from '@cj/api';
import { fixtures, RecordedApi, runCj } from '../testing';

const DIFF = '/v1/envs/default/diff';

const changed: DiffResponse = {
  changed: true,
  jobs: [
    {
      job: 'webhook-listener',
      task: 0,
      host: 'git-app-1',
      fields: [
        { path: 'image.digest', file: 'sha256:2222', recorded: 'sha256:1111', running: 'sha256:1111' },
        { path: 'envs.http_port', file: '8990', recorded: '8990' },
      ],
    },
    { job: 'coding-blog', fields: [] },
  ],
};

describe('cj diff', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'cj-diff-')), 'jobs.yaml');
  writeFileSync(file, 'jobs: []\n');
  let api: RecordedApi;
  afterEach(() => api.stop());

  it('prints a three-way table per job and exits 1 when something differs', async () => {
    api = await new RecordedApi().on('POST', DIFF, { json: changed }).start();
    const result = await runCj(['diff', file, 'webhook-listener'], { url: api.url });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        'webhook-listener task 0 on git-app-1',
        '  FIELD           FILE         RECORDED     RUNNING',
        '  image.digest    sha256:2222  sha256:1111  sha256:1111',
        '  envs.http_port  8990         8990         -',
        '',
      ].join('\n'),
    );
    expect(api.requests[0].body).toEqual({ jobs: { file, text: 'jobs: []\n' }, job: 'webhook-listener' });
  });

  it('says per field of a job whether applying the file replaces its containers or is policy only', async () => {
    const kinds: DiffResponse = {
      changed: true,
      jobs: [
        {
          job: 'web',
          fields: [
            { path: 'image.tag', kind: 'container', file: 'v2', recorded: 'v1', running: 'v1' },
            { path: 'update.minHealthyTime', kind: 'policy', file: 5000, recorded: 1000, running: 1000 },
          ],
        },
      ],
    };
    api = await new RecordedApi().on('POST', DIFF, { json: kinds }).start();
    const result = await runCj(['diff', file], { url: api.url });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        'web',
        '  FIELD                  FILE  RECORDED  RUNNING  ON APPLY',
        '  image.tag              v2    v1        v1       replaces containers',
        '  update.minHealthyTime  5000  1000      1000     policy only',
        '',
      ].join('\n'),
    );
  });

  it('exits 0 when nothing differs', async () => {
    api = await new RecordedApi()
      .on('POST', DIFF, { json: { changed: false, jobs: [{ job: 'coding-blog', fields: [] }] } })
      .start();
    const result = await runCj(['diff', file, '--json'], { url: api.url });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ changed: false, jobs: [{ job: 'coding-blog', fields: [] }] });
  });

  it('exits 2 on any error, even one that is 1 elsewhere', async () => {
    api = await new RecordedApi().on('POST', DIFF, { status: 404, json: fixtures.unknownJob }).start();
    const result = await runCj(['diff', file, 'nope'], { url: api.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('cj: job nope is not recorded in default\n  hint: list the jobs with `cj status`\n');
  });
});
