import type { HostEvent } from './events';
import type { JobEvent } from '../job/events';
import { evolveJob, initialJobState, type JobState } from '../job';
import { jobSpec } from '../testing';
import { evolveHost, initialHostState, type HostState } from './state';
import { planHostRetirements } from './host-retirement';

const metadata = {
  actor: 'ops@laptop',
  correlationId: 'c',
  causationId: 'c',
  occurredAt: '2015-06-01T10:00:00.000Z',
  cjVersion: '0.1.0',
};

const host = (name: string, ...later: HostEvent[]): HostState =>
  [
    {
      type: 'HostDeclared',
      schemaVersion: 1,
      data: { host: name, endpoint: `unix:///run/${name}.sock`, address: '127.0.0.1' },
      metadata,
    } as HostEvent,
    ...later,
  ].reduce(evolveHost, initialHostState());
const job = (...events: JobEvent[]): JobState => events.reduce(evolveJob, initialJobState());

const registered: JobEvent = {
  type: 'JobRegistered',
  schemaVersion: 1,
  data: { job: 'web', revision: 1, spec: jobSpec({ name: 'web' }) },
  metadata,
};
const started = (task: number, on: string, containerId: string): JobEvent => ({
  type: 'ContainerStarted',
  schemaVersion: 1,
  data: { job: 'web', task, host: on, containerId, revision: 1 },
  metadata,
});
const stopped = (task: number, on: string, containerId: string): JobEvent => ({
  type: 'ContainerStopped',
  schemaVersion: 1,
  data: { job: 'web', task, host: on, containerId },
  metadata,
});

describe('the host retirement rule', () => {
  it('leaves alone the hosts the file still names', () => {
    expect(planHostRetirements({ declared: [host('h1'), host('h2')], named: ['h1', 'h2'], jobs: {} })).toEqual([]);
  });

  it('retires a dropped host where nothing of cj ever ran, or where everything stopped', () => {
    const web = job(registered, started(0, 'h1', 'c0'), started(1, 'h2', 'c1'), stopped(1, 'h2', 'c1'));

    expect(
      planHostRetirements({ declared: [host('h3'), host('h1'), host('h2')], named: ['h1'], jobs: { web } }),
    ).toEqual([
      { host: 'h2', action: 'retire', holds: [] },
      { host: 'h3', action: 'retire', holds: [] },
    ]);
  });

  it("keeps a dropped host while a task's container runs there", () => {
    const web = job(registered, started(0, 'h1', 'c0'), started(1, 'h2', 'c1'));

    expect(planHostRetirements({ declared: [host('h1'), host('h2')], named: ['h1'], jobs: { web } })).toEqual([
      { host: 'h2', action: 'keep', holds: [{ kind: 'task', job: 'web', task: 1, containerId: 'c1' }] },
    ]);
  });

  it('keeps it while a container with cj labels that no task accounts for runs there', () => {
    const found: HostEvent = {
      type: 'UnexpectedContainerFound',
      schemaVersion: 1,
      data: {
        host: 'h2',
        containerId: 'c-debug',
        job: 'web',
        task: 0,
        revision: 7,
        image: 'cj-demo:v1',
        name: 'web-debug',
      },
      metadata,
    };
    const gone: HostEvent = {
      type: 'UnexpectedContainerGone',
      schemaVersion: 1,
      data: { host: 'h2', containerId: 'c-debug', job: 'web', task: 0, revision: 7, now: 'removed' },
      metadata,
    };

    expect(planHostRetirements({ declared: [host('h2', found)], named: [], jobs: {} })).toEqual([
      { host: 'h2', action: 'keep', holds: [{ kind: 'unexpected', job: 'web', task: 0, containerId: 'c-debug' }] },
    ]);
    expect(planHostRetirements({ declared: [host('h2', found, gone)], named: [], jobs: {} })).toMatchObject([
      { host: 'h2', action: 'retire' },
    ]);
  });

  it('keeps it while a rollout of a job with a stopped container there is in progress, as its rollback would start it again', () => {
    const rolling: JobEvent = {
      type: 'JobRolloutStarted',
      schemaVersion: 1,
      data: { job: 'web', rolloutId: 'r-9', fromRevision: 1, toRevision: 2 },
      metadata,
    };
    const ended: JobEvent = {
      type: 'JobRolloutEnded',
      schemaVersion: 1,
      data: { job: 'web', rolloutId: 'r-9', status: 'succeeded' },
      metadata,
    };
    const moving = [registered, started(1, 'h2', 'c1'), rolling, stopped(1, 'h2', 'c1')];

    expect(planHostRetirements({ declared: [host('h2')], named: [], jobs: { web: job(...moving) } })).toEqual([
      { host: 'h2', action: 'keep', holds: [{ kind: 'rollout', job: 'web', rolloutId: 'r-9' }] },
    ]);
    expect(
      planHostRetirements({ declared: [host('h2')], named: [], jobs: { web: job(...moving, ended) } }),
    ).toMatchObject([{ action: 'retire' }]);
  });

  it('never names a host that is already retired', () => {
    const retired: HostEvent = {
      type: 'HostRetired',
      schemaVersion: 1,
      data: {
        host: 'h2',
        reason: 'dropped-from-jobs-file',
        last: { endpoint: 'unix:///run/h2.sock', address: '127.0.0.1' },
      },
      metadata,
    };

    expect(planHostRetirements({ declared: [host('h2', retired)], named: [], jobs: {} })).toEqual([]);
  });
});
