import type { HostSpec } from '@cj/api';
import { jobSpec } from '../testing';
import {
  isReplicateRefusal,
  planReplicate,
  type ReplicateInput,
  type ReplicatePlan,
  type TargetJob,
} from './plan-replicate';

const prodWeb = jobSpec();
const stgWeb = jobSpec({
  tasks: [
    { index: 0, host: 's1', port: 8080 },
    { index: 1, host: 's2', port: 8080 },
  ],
});
const v2 = { ...prodWeb.image, tag: 'v2', digest: `sha256:${'2'.repeat(64)}` };
const host = (name: string, endpoint = `unix:///run/${name}.sock`, address = '127.0.0.1'): HostSpec => ({
  name,
  endpoint,
  address,
});

/** Given the source jobs and the target's state, when the replicate is planned: the plan or the refusal. */
function given(overrides: Partial<ReplicateInput> = {}) {
  const input: ReplicateInput = {
    sourceEnv: 'prod',
    targetEnv: 'staging',
    jobs: [{ spec: prodWeb, revision: 3 }],
    targets: new Map(),
    hostMap: { h1: { name: 's1' }, h2: { name: 's2' } },
    targetHosts: new Map([
      ['s1', host('s1')],
      ['s2', host('s2')],
    ]),
    sourceHosts: new Map([
      ['h1', host('h1')],
      ['h2', host('h2')],
    ]),
    noDeploy: false,
    ...overrides,
  };
  return {
    target: (job: TargetJob) => given({ ...overrides, targets: new Map([['web', job]]) }),
    plan: () => planReplicate(input) as ReplicatePlan,
    refusal: () => planReplicate(input),
  };
}

describe('planReplicate: what a replicate records', () => {
  it('creates an absent job on the mapped hosts, and says how to start it', () => {
    const plan = given().plan();
    expect(plan.hosts).toEqual([]);
    expect(plan.jobs).toEqual([
      expect.objectContaining({
        job: 'web',
        action: 'create',
        sourceRevision: 3,
        spec: stgWeb,
        rollout: false,
        noRollout: 'start it with cj --env staging up web',
      }),
    ]);
  });

  it('is unchanged when the target runs the same spec on its hosts: a second replicate records nothing', () => {
    const [job] = given().target({ state: 'running', revision: 1, spec: stgWeb }).plan().jobs;
    expect(job).toMatchObject({ action: 'unchanged', rollout: false, changes: [] });
    expect(job.noRollout).toBeUndefined();
  });

  it('rolls out a running target job whose source changed', () => {
    const plan = given({ jobs: [{ spec: { ...prodWeb, image: v2 }, revision: 4 }] }).target({
      state: 'running',
      revision: 1,
      spec: stgWeb,
    });
    expect(plan.plan().jobs[0]).toMatchObject({ action: 'update', rollout: true, fromRevision: 1, sourceRevision: 4 });
    expect(plan.plan().jobs[0].changes.map((change) => change.path)).toEqual(['image.tag', 'image.digest']);
  });

  it("records a stopped target job's new revision and says how to start it", () => {
    const plan = given({ jobs: [{ spec: { ...prodWeb, image: v2 }, revision: 4 }] })
      .target({ state: 'stopped', revision: 1, spec: stgWeb })
      .plan();
    expect(plan.jobs[0]).toMatchObject({
      action: 'update',
      rollout: false,
      noRollout: 'the job is not running in staging: start it with cj --env staging up web',
    });
  });

  it('with --no-deploy records the revision and says the tasks stay', () => {
    const plan = given({ jobs: [{ spec: { ...prodWeb, image: v2 }, revision: 4 }], noDeploy: true })
      .target({ state: 'running', revision: 1, spec: stgWeb })
      .plan();
    expect(plan.jobs[0]).toMatchObject({
      action: 'update',
      rollout: false,
      noRollout: '--no-deploy: its tasks stay on revision 1',
    });
  });

  it('lands a policy-only change in place, without a rollout', () => {
    const spec = { ...prodWeb, update: { ...prodWeb.update, maxParallel: 2 } };
    const plan = given({ jobs: [{ spec, revision: 4 }] })
      .target({ state: 'running', revision: 1, spec: stgWeb })
      .plan();
    expect(plan.jobs[0]).toMatchObject({
      action: 'update',
      rollout: false,
      noRollout: 'only policy changed: it takes effect in place',
    });
  });

  it('refuses to change a job that is in a rollout in the target', () => {
    const refused = given({ jobs: [{ spec: { ...prodWeb, image: v2 }, revision: 4 }] })
      .target({ state: 'running', revision: 1, spec: stgWeb, activeRolloutId: 'r-9' })
      .refusal();
    expect(refused).toMatchObject({ code: 'rollout-in-progress', message: 'job web of staging is in rollout r-9' });
  });

  it('declares a host the map gives an endpoint and address, and only when new or moved', () => {
    const hostMap = {
      h1: { name: 'n1', endpoint: 'tcp://127.0.0.9:2375', address: '127.0.0.9' },
      h2: { name: 'n2', endpoint: 'unix:///run/n2.sock' },
    };
    expect(given({ hostMap, targetHosts: new Map() }).plan().hosts).toEqual([
      { spec: host('n1', 'tcp://127.0.0.9:2375', '127.0.0.9'), from: 'h1' },
      { spec: host('n2', 'unix:///run/n2.sock', '127.0.0.1'), from: 'h2' },
    ]);
    expect(
      given({ hostMap, targetHosts: new Map([['n1', host('n1', 'tcp://127.0.0.9:2375', '127.0.0.9')]]) })
        .plan()
        .hosts.map((h) => h.spec.name),
    ).toEqual(['n2']);
  });

  it('declares nothing again for a host the target has alike, whatever order its record keeps the keys in', () => {
    const recorded = { address: '127.0.0.9', endpoint: 'tcp://127.0.0.9:2375', name: 'n1' } as HostSpec;
    const hostMap = { h1: { name: 'n1', endpoint: 'tcp://127.0.0.9:2375', address: '127.0.0.9' }, h2: { name: 's2' } };
    expect(
      given({
        hostMap,
        targetHosts: new Map([
          ['n1', recorded],
          ['s2', host('s2')],
        ]),
      }).plan().hosts,
    ).toEqual([]);
  });

  it('takes a target host from the source env when the target does not declare it', () => {
    expect(given({ targetHosts: new Map(), hostMap: { h1: { name: 'h2' }, h2: { name: 'h1' } } }).plan().hosts).toEqual(
      [
        { spec: host('h2'), from: 'h1' },
        { spec: host('h1'), from: 'h2' },
      ],
    );
  });

  it.each([
    [{ hostMap: { h1: { name: 's1' } } }, 'host-not-mapped', 'host h2 of environment prod is not mapped'],
    [
      { hostMap: { h1: { name: 'x1' }, h2: { name: 's2' } } },
      'host-not-declared',
      'host x1 (for h1) is declared neither in staging nor in prod',
    ],
    [
      { hostMap: { h1: { name: 'n1', endpoint: 'http://n1' }, h2: { name: 's2' } } },
      'bad-endpoint',
      'endpoint http://n1 of host n1 (for h1) is not a Docker endpoint',
    ],
    [
      { hostMap: { h1: { name: 'n1', endpoint: 'unix:///a.sock' }, h2: { name: 'n1', endpoint: 'unix:///b.sock' } } },
      'host-mapped-twice',
      'host n1 is given two endpoints (unix:///a.sock, unix:///b.sock)',
    ],
    [{ targetEnv: 'prod' }, 'same-environment', 'cannot replicate environment prod onto itself'],
    [{ jobs: [] }, 'environment-empty', 'environment prod has no jobs to replicate'],
  ] as const)('refuses %j: %s', (overrides, refused, message) => {
    const answer = given(overrides as Partial<ReplicateInput>).refusal();
    expect(isReplicateRefusal(answer)).toBe(true);
    expect(answer).toMatchObject({ code: refused, message, hint: expect.any(String) });
  });
});
