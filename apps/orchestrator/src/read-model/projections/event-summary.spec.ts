import { sourceNote, summarize } from './event-summary';

describe('audit summaries', () => {
  it('names the event in words and its common fields, with short container ids', () => {
    expect(
      summarize('ContainerStarted', {
        job: 'web',
        task: 1,
        host: 'h2',
        containerId: '0123456789abcdef0123',
        revision: 3,
      }),
    ).toBe('container started: job=web revision=3 task=1 host=h2 containerId=0123456789ab');
  });

  it("shows a revision's image from its spec", () => {
    expect(
      summarize('JobRegistered', { job: 'web', revision: 1, spec: { image: { repository: 'cj-demo', tag: 'v1' } } }),
    ).toBe('job registered: job=web revision=1 image=cj-demo:v1');
  });

  it('says that an unexpected container was left running, and what became of it', () => {
    const container = { host: 'h1', containerId: '0123456789abcdef0123', job: 'web', task: 0, revision: 9 };

    expect(
      summarize('UnexpectedContainerFound', {
        ...container,
        image: 'cj-demo:v1',
        name: 'web-debug',
        startedAt: '2026-01-01T00:00:00Z',
      }),
    ).toBe(
      'unexpected container found, left running: job=web revision=9 task=0 host=h1 image=cj-demo:v1 name=web-debug containerId=0123456789ab',
    );
    expect(summarize('UnexpectedContainerGone', { ...container, now: 'removed' })).toBe(
      'unexpected container removed: job=web revision=9 task=0 host=h1 containerId=0123456789ab',
    );
    expect(summarize('UnexpectedContainerGone', { ...container, now: 'known' })).toMatch(
      /^unexpected container now accounted for by its job: /,
    );
  });

  it('says where a retired host was, and why it left', () => {
    expect(
      summarize('HostRetired', {
        host: 'h2',
        reason: 'dropped-from-jobs-file',
        last: { endpoint: 'unix:///run/h2.sock', address: '127.77.2.2' },
      }),
    ).toBe('host retired (was unix:///run/h2.sock): host=h2 reason=dropped-from-jobs-file');
  });

  it('says until when a rollout watches its updated tasks', () => {
    expect(
      summarize('RolloutMonitoringStarted', {
        type: 'RolloutMonitoringStarted',
        at: 0,
        until: Date.UTC(2026, 0, 1, 0, 0, 5),
      }),
    ).toBe('last batch passed; watching the updated tasks until 2026-01-01T00:00:05.000Z');
  });

  it('says which containers a rollout removed because its placement left them behind', () => {
    const containers = [
      { task: 2, host: 'h2', containerId: 'abc' },
      { task: 1, host: 'h1', containerId: 'def' },
    ];
    expect(summarize('LeftoverContainersRemoved', { at: 0, containers })).toBe(
      'removed what the new placement left behind (task 2 on h2, task 1 on h1)',
    );
    expect(
      summarize('LeftoverContainersRemoved', {
        at: 0,
        containers: [],
        failures: [{ host: 'h3', reason: 'ECONNREFUSED' }],
      }),
    ).toBe('nothing left behind by the new placement; not reached: h3');
  });

  it('says a task was restarted by reconcile, which attempt, why, and what the engine answered when it refused', () => {
    const task = {
      job: 'web',
      task: 0,
      host: 'h1',
      revision: 2,
      cause: 'removed',
      reason: 'container 0123456789ab is gone from host h1',
      attempt: 3,
    };

    expect(summarize('TaskRestarted', { ...task, containerId: 'fedcba9876543210' })).toBe(
      'task restarted by reconcile (attempt 3): job=web revision=2 task=0 host=h1 containerId=fedcba987654 reason=container 0123456789ab is gone from host h1',
    );
    expect(summarize('TaskRestartFailed', { ...task, error: 'no such image' })).toBe(
      'task restart by reconcile failed (attempt 3): no such image: job=web revision=2 task=0 host=h1 reason=container 0123456789ab is gone from host h1',
    );
    expect(summarize('JobStopped', { job: 'web' })).toBe(
      'job brought down: reconcile leaves its tasks stopped until it is up again: job=web',
    );
  });

  it('reads well for an event with no known fields', () => {
    expect(summarize('RolloutPaused', { nested: { a: 1 } })).toBe('rollout paused');
  });

  it('names the source event of a replicated or imported event, and nothing for one cj recorded itself', () => {
    expect(sourceNote({ env: 'prod', stream: 'cj.prod.job.web', revision: '3', position: '1234' })).toBe(
      ' (replicated from prod/web rev 3 @ position 1234)',
    );
    expect(sourceNote({ env: 'prod', stream: 'cj.prod.host.h1', revision: '0', position: '7' })).toBe(
      ' (replicated from prod/host h1 rev 0 @ position 7)',
    );
    expect(
      sourceNote({ env: 'prod', stream: 'cj.prod.job.web', revision: '3', position: '1234', storeId: 'store-a' }),
    ).toBe(' (imported from prod/web rev 3 @ position 1234 of store store-a)');
    expect(sourceNote(undefined)).toBe('');
  });
});
