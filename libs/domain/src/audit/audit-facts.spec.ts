import { parseStreamName } from '../events/streams';
import { auditFacts } from './audit-facts';

const job = parseStreamName('cj.prod.job.web');
const rollout = parseStreamName('cj.prod.rollout.r-1');
const host = parseStreamName('cj.prod.host.h1');
const hosts = (task: number) => ['h1', 'h2'][task];

describe('audit facts: where an event happened and whether a review needs it', () => {
  it('a container start on a job stream names its job, task and host, and its rollout', () => {
    expect(
      auditFacts(job, 'ContainerStarted', {
        job: 'web',
        task: 1,
        host: 'h2',
        containerId: 'c',
        revision: 2,
        rolloutId: 'r-1',
      }),
    ).toEqual({
      job: 'web',
      task: 1,
      host: 'h2',
      rollout: 'r-1',
      level: 'summary',
    });
  });

  it("a rollout's task step names its host from the rollout's start, and is detail", () => {
    expect(auditFacts(rollout, 'ContainerStartRequested', { task: 1, role: 'new', containerId: 'c' }, hosts)).toEqual({
      task: 1,
      host: 'h2',
      rollout: 'r-1',
      level: 'detail',
    });
  });

  it('a rollout phase is a summary line; its job comes from its start', () => {
    expect(auditFacts(rollout, 'RolloutStarted', { job: 'web', tasks: [] }, hosts)).toEqual({
      job: 'web',
      rollout: 'r-1',
      level: 'summary',
    });
    expect(auditFacts(rollout, 'RolloutRolledBack', { reason: 'task 0 failed' }, hosts).level).toBe('summary');
  });

  it("a pull phase's intents and pulls are detail; a failed pull is a summary line naming its host", () => {
    expect(auditFacts(rollout, 'ImagePullRequested', { host: 'h2', revision: 2 }, hosts).level).toBe('detail');
    expect(auditFacts(rollout, 'ImagePulled', { host: 'h2', digest: 'sha256:x', bytes: 0, ms: 5 }, hosts).level).toBe(
      'detail',
    );
    expect(auditFacts(rollout, 'ImagePullFailed', { host: 'h2', reason: 'registry down' }, hosts)).toMatchObject({
      host: 'h2',
      level: 'summary',
    });
  });

  it('failed checks are summary lines, passed ones detail', () => {
    expect(
      auditFacts(rollout, 'RolloutHealthCheckFailed', { task: 0, containerId: 'c', detail: '404' }, hosts).level,
    ).toBe('summary');
    expect(auditFacts(rollout, 'RolloutHealthCheckPassed', { task: 0, containerId: 'c' }, hosts).level).toBe('detail');
    expect(auditFacts(rollout, 'UpdatedTaskChecked', { task: 0, passed: false, detail: 'exited' }, hosts).level).toBe(
      'summary',
    );
    expect(auditFacts(rollout, 'UpdatedTaskChecked', { task: 0, passed: true, detail: 'running' }, hosts).level).toBe(
      'detail',
    );
    expect(
      auditFacts(job, 'HealthCheckPassed', { job: 'web', task: 0, host: 'h1', containerId: 'c', rolloutId: 'r-1' })
        .level,
    ).toBe('detail');
    expect(
      auditFacts(job, 'HealthCheckFailed', {
        job: 'web',
        task: 0,
        host: 'h1',
        containerId: 'c',
        rolloutId: 'r-1',
        detail: '404',
      }).level,
    ).toBe('summary');
  });

  it("a host stream's events name the host; an unexpected container also its job and task", () => {
    expect(auditFacts(host, 'HostUnreachable', { host: 'h1', endpoint: 'tcp://h1', error: 'refused' })).toEqual({
      host: 'h1',
      level: 'summary',
    });
    expect(auditFacts(host, 'UnexpectedContainerFound', { job: 'web', task: 3, host: 'h1', containerId: 'c' })).toEqual(
      { job: 'web', task: 3, host: 'h1', level: 'summary' },
    );
  });

  it('an event type added later is shown in the summary rather than lost', () => {
    expect(auditFacts(job, 'SomethingNew', {}).level).toBe('summary');
  });
});
