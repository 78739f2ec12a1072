import { jobSpec } from '../testing';
import { changeKind, classifyChanges, replacesContainers, sameTaskContainer } from './change-kind';
import { diffJobSpecs } from './diff-job-specs';

describe('changeKind: what the container is made from, and what only cj reads', () => {
  it.each([
    'image.registry',
    'image.repository',
    'image.tag',
    'image.digest',
    'envs.http_port',
    'command',
    'mounts./data.source',
    'mounts./data.readOnly',
    'tasks[0].host',
    'tasks[3].port',
    'resources.memory',
    'resources.cpus',
    'restart',
  ])('%s is made into the container: a change needs new containers', (path) => {
    expect(changeKind(path)).toBe('container');
  });

  it.each([
    'update.maxParallel',
    'update.order',
    'update.minHealthyTime',
    'update.healthyDeadline',
    'update.progressDeadline',
    'update.maxFailureRatio',
    'update.delayBetweenBatches',
    'update.failureAction',
    'update.keepReplaced',
    'update.monitor',
    'health.type',
    'health.path',
    'health.expectStatus',
    'health.command',
    'health.interval',
    'health.timeout',
    'health.retries',
  ])('%s is only read by cj: a change takes effect in place', (path) => {
    expect(changeKind(path)).toBe('policy');
  });

  it('covers every field a spec diff names', () => {
    const before = jobSpec();
    const after = jobSpec({
      image: { registry: 'localhost:5001', repository: 'other', tag: 'v2', digest: `sha256:${'2'.repeat(64)}` },
      tasks: [{ index: 0, host: 'h3', port: 9090 }],
      envs: [],
      mounts: [{ source: '/srv', target: '/data', readOnly: true }],
      health: { type: 'exec', command: ['true'], interval: 2000, timeout: 500, retries: 5 },
      update: { ...before.update, maxParallel: 3, monitor: 1000 },
      resources: { memory: 1, cpus: 1 },
      restart: 'always',
      command: ['serve'],
    });
    const kinds = classifyChanges(diffJobSpecs(before, after)).map(({ path, kind }) => `${kind} ${path}`);

    expect(kinds.filter((k) => k.startsWith('policy')).sort()).toEqual(
      [
        'health.command',
        'health.interval',
        'health.retries',
        'health.timeout',
        'health.type',
        'update.maxParallel',
        'update.monitor',
      ].map((p) => `policy ${p}`),
    );
    expect(
      kinds
        .filter((k) => k.startsWith('container'))
        .map((k) =>
          k
            .split(' ')[1]
            .split('.')[0]
            .replace(/\[\d+\]/, ''),
        )
        .sort(),
    ).toEqual(
      [
        'command',
        'envs',
        'image',
        'image',
        'image',
        'image',
        'mounts',
        'mounts',
        'resources',
        'resources',
        'restart',
        'tasks',
        'tasks',
        'tasks',
        'tasks',
      ].sort(),
    );
  });
});

describe('replacesContainers', () => {
  const before = jobSpec();

  it('given a changed min healthy time and health interval, then no container is replaced', () => {
    const after = jobSpec({
      update: { ...before.update, minHealthyTime: 9000 },
      health: { type: 'tcp', interval: 5000, timeout: 1000, retries: 3 },
    });

    expect(replacesContainers(diffJobSpecs(before, after))).toBe(false);
  });

  it('given a changed env beside a policy change, then the containers are replaced', () => {
    const after = jobSpec({
      update: { ...before.update, minHealthyTime: 9000 },
      envs: [{ key: 'http_port', value: '9000' }],
    });

    expect(replacesContainers(diffJobSpecs(before, after))).toBe(true);
  });

  it('given no change, then nothing is replaced', () => {
    expect(replacesContainers([])).toBe(false);
  });
});

describe('sameTaskContainer', () => {
  const before = jobSpec();

  it('is true when only policy differs', () => {
    expect(sameTaskContainer(before, jobSpec({ update: { ...before.update, maxParallel: 2 } }), 0)).toBe(true);
  });

  it("looks at the task's own placement only", () => {
    const moved = jobSpec({
      tasks: [
        { index: 0, host: 'h1', port: 8080 },
        { index: 1, host: 'h3', port: 8080 },
      ],
    });

    expect(sameTaskContainer(before, moved, 0)).toBe(true);
    expect(sameTaskContainer(before, moved, 1)).toBe(false);
  });

  it('is false when the task is gone, or anything a container is made from differs', () => {
    expect(sameTaskContainer(before, jobSpec({ tasks: [{ index: 0, host: 'h1', port: 8080 }] }), 1)).toBe(false);
    expect(sameTaskContainer(before, jobSpec({ restart: 'always' }), 0)).toBe(false);
    expect(
      sameTaskContainer(before, jobSpec({ image: { ...before.image, digest: `sha256:${'3'.repeat(64)}` } }), 0),
    ).toBe(false);
  });
});
