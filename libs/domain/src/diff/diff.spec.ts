import { jobSpec } from '../testing';
import { replacesContainers } from './change-kind';
import { diffJobSpecs } from './diff-job-specs';

describe('diffJobSpecs', () => {
  it('finds nothing between equal specs', () => {
    expect(diffJobSpecs(jobSpec(), jobSpec())).toEqual([]);
  });

  it('names each changed field with its value before and after', () => {
    const before = jobSpec({ mounts: [{ source: '/srv', target: '/data', readOnly: false }] });
    const after = jobSpec({
      image: { registry: 'localhost:5000', repository: 'demo', tag: 'v2', digest: `sha256:${'2'.repeat(64)}` },
      tasks: [
        { index: 0, host: 'h1', port: 8081 },
        { index: 1, host: 'h2', port: 8080 },
        { index: 2, host: 'h3', port: 8080 },
      ],
      envs: [
        { key: 'http_port', value: '9000' },
        { key: 'TZ', value: 'UTC' },
      ],
      mounts: [{ source: '/srv', target: '/data', readOnly: true }],
      health: { type: 'http', path: '/health', expectStatus: 200, interval: 1000, timeout: 1000, retries: 3 },
      update: { ...jobSpec().update, maxParallel: 2 },
      resources: { memory: 1024 },
      command: ['serve'],
    });

    expect(diffJobSpecs(before, after)).toEqual([
      { path: 'image.tag', before: 'v1', after: 'v2' },
      { path: 'image.digest', before: `sha256:${'1'.repeat(64)}`, after: `sha256:${'2'.repeat(64)}` },
      { path: 'tasks[0].port', before: 8080, after: 8081 },
      { path: 'envs.http_port', before: '8990', after: '9000' },
      { path: 'mounts./data.readOnly', before: false, after: true },
      { path: 'health.type', before: 'tcp', after: 'http' },
      { path: 'update.maxParallel', before: 1, after: 2 },
      { path: 'tasks[2].host', after: 'h3' },
      { path: 'tasks[2].port', after: 8080 },
      { path: 'envs.TZ', after: 'UTC' },
      { path: 'health.path', after: '/health' },
      { path: 'health.expectStatus', after: 200 },
      { path: 'resources.memory', after: 1024 },
      { path: 'command', after: ['serve'] },
    ]);
  });

  it('can leave out the digest, which a file does not pin', () => {
    const fromFile = jobSpec({ image: { registry: 'localhost:5000', repository: 'demo', tag: 'v1' } });

    expect(diffJobSpecs(jobSpec(), fromFile)).toEqual([{ path: 'image.digest', before: `sha256:${'1'.repeat(64)}` }]);
    expect(diffJobSpecs(jobSpec(), fromFile, { ignoreDigest: true })).toEqual([]);
  });
});

describe('replacesContainers', () => {
  it('is false for a change of reconcile alone: policy only, the containers serve it as they are', () => {
    const reporting = diffJobSpecs(jobSpec(), jobSpec({ reconcile: 'report' }));

    expect(reporting).toEqual([{ path: 'reconcile', after: 'report' }]);
    expect(replacesContainers(reporting)).toBe(false);
    expect(replacesContainers(diffJobSpecs(jobSpec(), jobSpec({ reconcile: 'report', restart: 'always' })))).toBe(true);
  });
});
