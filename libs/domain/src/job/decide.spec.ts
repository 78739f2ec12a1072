import type { JobEvent } from './events';
import {
  jobSpec,
  testEventMetadata,
  webContainer,
  webRegistered,
  webRemoved,
  webStarted,
  webStopped,
  webV1,
  webV2,
} from '../testing';
import type { CommandMetadata } from '../command-metadata';
import { decideJob } from './decide';
import type { JobCommand } from './commands';
import {
  JobNameMismatchError,
  JobNotFoundError,
  JobRemovedError,
  JobRunningError,
  RolloutInProgressError,
  UnknownRevisionError,
  UnknownTaskError,
} from '../errors';
import { evolveJob, initialJobState, type JobState } from './state';

const commandMetadata: CommandMetadata = {
  commandId: 'cmd-1',
  actor: 'ops@laptop',
  reason: 'release',
  occurredAt: '2015-06-01T10:00:00.000Z',
  cjVersion: '0.1.0',
};
const metadata = testEventMetadata;
const v1 = webV1;
const v2 = webV2;
const container = webContainer;
const registered = webRegistered;
const started = webStarted;
const healthy: JobEvent = {
  type: 'TaskHealthChanged',
  schemaVersion: 2,
  data: { ...container, from: 'starting', to: 'healthy' },
  metadata,
};
const removed = webRemoved;

type Command = { [C in JobCommand as C['type']]: { type: C['type']; data: C['data'] } }[JobCommand['type']];

/** Given these events, when this command: the events or the error the decider answers. */
function given(...history: JobEvent[]) {
  const state = history.reduce(evolveJob, initialJobState());
  return {
    when: (command: Command) => decideJob({ ...command, metadata: commandMetadata } as JobCommand, state),
    state,
  };
}

describe('RegisterOrUpdateJob', () => {
  it('registers a new job as revision 1', () => {
    expect(given().when({ type: 'RegisterOrUpdateJob', data: { spec: v1 } })).toEqual([registered]);
  });

  it('records a changed spec as the next revision, with what changed', () => {
    expect(given(registered).when({ type: 'RegisterOrUpdateJob', data: { spec: v2 } })).toEqual([
      {
        type: 'JobRevisionCreated',
        schemaVersion: 1,
        data: {
          job: 'web',
          revision: 2,
          spec: v2,
          changes: [
            { path: 'image.tag', before: 'v1', after: 'v2' },
            { path: 'image.digest', before: v1.image.digest, after: v2.image.digest },
          ],
        },
        metadata,
      },
    ]);
  });

  it('records a revision that changes only policy as landed in place: current at once, good where the job ran the one before', () => {
    const policy = jobSpec({ update: { ...v1.update, minHealthyTime: 9000 } });
    const rolledOut: JobEvent = {
      type: 'JobRolloutStarted',
      schemaVersion: 1,
      data: { job: 'web', rolloutId: 'r-1', toRevision: 1 },
      metadata,
    };
    const landed: JobEvent = {
      type: 'JobRolloutEnded',
      schemaVersion: 1,
      data: { job: 'web', rolloutId: 'r-1', status: 'succeeded', revision: 1 },
      metadata,
    };
    const history = [registered, rolledOut, started, landed];

    const events = given(...history).when({ type: 'RegisterOrUpdateJob', data: { spec: policy } }) as JobEvent[];

    expect(events).toEqual([
      {
        type: 'JobRevisionCreated',
        schemaVersion: 1,
        data: {
          job: 'web',
          revision: 2,
          spec: policy,
          changes: [{ path: 'update.minHealthyTime', before: v1.update.minHealthyTime, after: 9000 }],
          inPlace: true,
        },
        metadata,
      },
    ]);
    expect(given(...history, ...events).state).toMatchObject({
      currentRevision: 2,
      lastRevision: 2,
      goodRevisions: [1, 2],
      activeRolloutId: undefined,
    });
    // The container made by revision 1 is untouched: it still runs, as revision 1 made it.
    expect(given(...history, ...events).state.tasks[0].containers).toEqual([
      { containerId: 'c-1', host: 'h1', revision: 1, state: 'running' },
    ]);
  });

  it('marks no revision in place when anything a container is made from changed', () => {
    const both = jobSpec({ ...v2, update: { ...v1.update, minHealthyTime: 9000 } });

    const [event] = given(registered).when({ type: 'RegisterOrUpdateJob', data: { spec: both } }) as JobEvent[];

    expect(event.type).toBe('JobRevisionCreated');
    expect(event.data).not.toHaveProperty('inPlace');
  });

  it('records nothing when the spec is unchanged, so applying twice is harmless', () => {
    expect(given(registered).when({ type: 'RegisterOrUpdateJob', data: { spec: jobSpec() } })).toEqual([]);
  });

  it('registers a removed job again under a new revision number', () => {
    const [event] = given(registered, removed).when({ type: 'RegisterOrUpdateJob', data: { spec: v1 } }) as JobEvent[];

    expect(event).toMatchObject({ type: 'JobRegistered', data: { revision: 2 } });
  });

  it('refuses a spec of another job', () => {
    expect(given(registered).when({ type: 'RegisterOrUpdateJob', data: { spec: jobSpec({ name: 'blog' }) } })).toEqual(
      new JobNameMismatchError('web', 'blog'),
    );
  });
});

describe('RemoveJob', () => {
  it('removes a registered job, once', () => {
    expect(given(registered).when({ type: 'RemoveJob', data: { job: 'web' } })).toEqual([removed]);
    expect(given(registered, removed).when({ type: 'RemoveJob', data: { job: 'web' } })).toEqual([]);
  });

  it('refuses a job that was never registered', () => {
    const error = given().when({ type: 'RemoveJob', data: { job: 'web' } });

    expect(error).toBeInstanceOf(JobNotFoundError);
    expect(error).toMatchObject({ code: 'JobNotFound', message: 'job "web" is not registered' });
  });

  it('refuses while a rollout is in progress', () => {
    const { state } = given(registered);
    const rolling: JobState = { ...state, activeRolloutId: 'r-1' };

    expect(decideJob({ type: 'RemoveJob', data: { job: 'web' }, metadata: commandMetadata }, rolling)).toEqual(
      new RolloutInProgressError('web', 'r-1'),
    );
  });
});

describe('RemoveJob of a running job', () => {
  it('refuses while a task has a running container, and removes the job once it has stopped', () => {
    const error = given(registered, started).when({ type: 'RemoveJob', data: { job: 'web' } });

    expect(error).toBeInstanceOf(JobRunningError);
    expect(error).toMatchObject({ code: 'job-running', hint: 'stop it first with cj down web, then apply again' });

    expect(given(registered, started, webStopped).when({ type: 'RemoveJob', data: { job: 'web' } })).toEqual([removed]);
  });
});

describe('containers', () => {
  it('records a started container, once', () => {
    expect(given(registered).when({ type: 'RecordContainerStarted', data: { ...container, revision: 1 } })).toEqual([
      started,
    ]);
    expect(
      given(registered, started).when({ type: 'RecordContainerStarted', data: { ...container, revision: 1 } }),
    ).toEqual([]);
  });

  it('refuses a revision or a task the job does not have', () => {
    expect(given(registered).when({ type: 'RecordContainerStarted', data: { ...container, revision: 7 } })).toEqual(
      new UnknownRevisionError('web', 7),
    );
    expect(
      given(registered).when({ type: 'RecordContainerStarted', data: { ...container, task: 5, revision: 1 } }),
    ).toEqual(new UnknownTaskError('web', 5, 1));
  });

  it('refuses to start a container for a removed job', () => {
    expect(
      given(registered, removed).when({ type: 'RecordContainerStarted', data: { ...container, revision: 1 } }),
    ).toEqual(new JobRemovedError('web'));
  });

  it('records a stop or an exit of a running container, and only the first', () => {
    const stopped: JobEvent = { type: 'ContainerStopped', schemaVersion: 1, data: container, metadata };
    expect(given(registered, started).when({ type: 'RecordContainerStopped', data: container })).toEqual([stopped]);
    expect(
      given(registered, started, stopped).when({
        type: 'RecordContainerExited',
        data: { ...container, exitCode: 0, oomKilled: false },
      }),
    ).toEqual([]);
  });

  it('records each engine restart once, by its count, and the container runs again', () => {
    const exited: JobEvent = {
      type: 'ContainerExited',
      schemaVersion: 1,
      data: {
        ...container,
        exitCode: 3,
        oomKilled: false,
        exitedAt: '2015-06-01T10:00:01.000Z',
        logTail: ['crashing'],
      },
      metadata,
    };
    const restarted = (count: number): JobEvent => ({
      type: 'ContainerRestarted',
      schemaVersion: 1,
      data: { ...container, count },
      metadata,
    });

    expect(
      given(registered, started, exited).when({ type: 'RecordContainerRestarted', data: { ...container, count: 1 } }),
    ).toEqual([restarted(1)]);
    expect(
      given(registered, started, exited, restarted(1)).when({
        type: 'RecordContainerRestarted',
        data: { ...container, count: 1 },
      }),
    ).toEqual([]);
    expect(
      given(registered, started, exited, restarted(2)).when({
        type: 'RecordContainerRestarted',
        data: { ...container, count: 1 },
      }),
    ).toEqual([]);
    expect(given(registered, started, exited, restarted(1)).state.tasks[0]).toEqual({
      health: 'starting',
      containers: [
        { containerId: 'c-1', host: 'h1', revision: 1, state: 'running', exitCode: undefined, restartCount: 1 },
      ],
    });
    // A container the log never knew is not restarted: the resync adopts or sights it first.
    expect(given(registered).when({ type: 'RecordContainerRestarted', data: { ...container, count: 1 } })).toEqual([]);
  });

  it("records the removal of a removed job's container, and forgets it", () => {
    const gone: JobEvent = { type: 'ContainerRemoved', schemaVersion: 1, data: container, metadata };

    expect(given(registered, started, removed).when({ type: 'RecordContainerRemoved', data: container })).toEqual([
      gone,
    ]);
    expect(given(registered, started, gone).state.tasks[0].containers).toEqual([]);
  });

  it('tracks what runs where as events are folded', () => {
    const exited: JobEvent = {
      type: 'ContainerExited',
      schemaVersion: 1,
      data: { ...container, exitCode: 137, oomKilled: true },
      metadata,
    };

    expect(given(registered, started, healthy, exited).state).toEqual({
      status: 'active',
      name: 'web',
      revisions: { 1: v1 },
      currentRevision: 1,
      lastRevision: 1,
      goodRevisions: [],
      tasks: {
        0: {
          health: 'healthy',
          containers: [{ containerId: 'c-1', host: 'h1', revision: 1, state: 'exited', exitCode: 137 }],
        },
      },
    });
  });
});

describe('RecordHealthCheck', () => {
  it('outside a rollout, records only a change of health', () => {
    expect(
      given(registered, started).when({ type: 'RecordHealthCheck', data: { ...container, passed: true } }),
    ).toEqual([healthy]);
    expect(
      given(registered, started, healthy).when({ type: 'RecordHealthCheck', data: { ...container, passed: true } }),
    ).toEqual([]);
  });

  it('during a rollout, records every check, and the change of health when there is one', () => {
    const check = { ...container, passed: false, detail: 'GET /health: 503', rolloutId: 'r-1' };

    expect(given(registered, started, healthy).when({ type: 'RecordHealthCheck', data: check })).toEqual([
      {
        type: 'HealthCheckFailed',
        schemaVersion: 1,
        data: { ...container, rolloutId: 'r-1', detail: 'GET /health: 503' },
        metadata,
      },
      {
        type: 'TaskHealthChanged',
        schemaVersion: 2,
        data: { ...container, from: 'healthy', to: 'unhealthy', detail: 'GET /health: 503' },
        metadata,
      },
    ]);
    expect(
      given(registered, started, healthy).when({
        type: 'RecordHealthCheck',
        data: { ...container, passed: true, rolloutId: 'r-1' },
      }),
    ).toEqual([{ type: 'HealthCheckPassed', schemaVersion: 1, data: { ...container, rolloutId: 'r-1' }, metadata }]);
  });
});

describe('event metadata', () => {
  it('is caused by the command and correlated to its request', () => {
    const [event] = decideJob(
      {
        type: 'RegisterOrUpdateJob',
        data: { spec: v1 },
        metadata: { ...commandMetadata, commandId: 'cmd-2', correlationId: 'req-9', reason: undefined },
      },
      initialJobState(),
    ) as JobEvent[];

    expect(event.metadata).toEqual({
      actor: 'ops@laptop',
      correlationId: 'req-9',
      causationId: 'cmd-2',
      occurredAt: '2015-06-01T10:00:00.000Z',
      cjVersion: '0.1.0',
    });
  });
});

describe('rollout marks', () => {
  const begin = (rolloutId: string, toRevision = 1) => ({
    type: 'BeginRollout' as const,
    data: { job: 'web', rolloutId, fromRevision: 1, toRevision },
  });
  const rolloutStarted: JobEvent = {
    type: 'JobRolloutStarted',
    schemaVersion: 1,
    data: { job: 'web', rolloutId: 'r-1', fromRevision: 1, toRevision: 1 },
    metadata,
  };
  const revised: JobEvent = {
    type: 'JobRevisionCreated',
    schemaVersion: 1,
    data: { job: 'web', revision: 2, spec: v2, changes: [] },
    metadata,
  };

  it('begins a rollout once, and refuses a second one while the first is active, naming it', () => {
    expect(given(registered).when(begin('r-1'))).toEqual([rolloutStarted]);
    expect(given(registered, rolloutStarted).when(begin('r-1'))).toEqual([]);
    const refused = given(registered, rolloutStarted).when(begin('r-2'));
    expect(refused).toEqual(new RolloutInProgressError('web', 'r-1'));
    expect(refused).toMatchObject({ hint: expect.stringContaining('cj rollout abort r-1') });
  });

  it('refuses a rollout to a revision the job does not have', () => {
    expect(given(registered).when(begin('r-1', 9))).toEqual(new UnknownRevisionError('web', 9));
  });

  it('ends the active rollout once; the job may then have its next one', () => {
    const end = {
      type: 'EndRollout' as const,
      data: { job: 'web', rolloutId: 'r-1', status: 'succeeded', revision: 1 },
    };
    const [ended] = given(registered, rolloutStarted).when(end) as JobEvent[];
    expect(ended).toMatchObject({ type: 'JobRolloutEnded', data: end.data });
    expect(given(registered, rolloutStarted, ended).when(end)).toEqual([]);
    expect(given(registered, rolloutStarted, ended).when(begin('r-2'))).toMatchObject([{ type: 'JobRolloutStarted' }]);
  });

  it('returns the job to the revision a rolled-back rollout left it on, and remembers the good revisions', () => {
    const toTwo: JobEvent = {
      ...rolloutStarted,
      data: { job: 'web', rolloutId: 'r-2', fromRevision: 1, toRevision: 2 },
    };
    const rolledBack: JobEvent = {
      type: 'JobRolloutEnded',
      schemaVersion: 1,
      data: { job: 'web', rolloutId: 'r-2', status: 'rolled-back', revision: 1 },
      metadata,
    };
    const { state } = given(registered, revised, toTwo, rolledBack);
    expect(state).toMatchObject({
      currentRevision: 1,
      lastRevision: 2,
      activeRolloutId: undefined,
      goodRevisions: [1],
    });
    expect(given(registered, revised, toTwo).state).toMatchObject({ currentRevision: 2, activeRolloutId: 'r-2' });
  });
});

describe('reconcile records', () => {
  const restart = {
    ...container,
    revision: 1,
    cause: 'removed' as const,
    reason: 'container c-1 is gone from host h1',
    attempt: 1,
  };
  const jobStopped: JobEvent = { type: 'JobStopped', schemaVersion: 1, data: { job: 'web' }, metadata };

  it('records a down once until a container of the job starts again', () => {
    expect(given(registered, started).when({ type: 'RecordJobStopped', data: { job: 'web' } })).toEqual([jobStopped]);
    expect(given(registered, started, jobStopped).when({ type: 'RecordJobStopped', data: { job: 'web' } })).toEqual([]);
    expect(given(registered, jobStopped, started).when({ type: 'RecordJobStopped', data: { job: 'web' } })).toEqual([
      jobStopped,
    ]);
  });

  it("records a task's restart and a refused one", () => {
    expect(given(registered).when({ type: 'RecordTaskRestarted', data: restart })).toEqual([
      { type: 'TaskRestarted', schemaVersion: 1, data: restart, metadata },
    ]);
    const failed = {
      job: 'web',
      task: 0,
      host: 'h1',
      revision: 1,
      cause: 'removed' as const,
      reason: 'gone',
      attempt: 2,
      error: 'no such image',
    };
    expect(given(registered).when({ type: 'RecordTaskRestartFailed', data: failed })).toEqual([
      { type: 'TaskRestartFailed', schemaVersion: 1, data: failed, metadata },
    ]);
  });

  it('refuses a restart while a rollout owns the job, and of a task the revision lacks', () => {
    const rolloutStarted: JobEvent = {
      type: 'JobRolloutStarted',
      schemaVersion: 1,
      data: { job: 'web', rolloutId: 'r-1', fromRevision: 1, toRevision: 1 },
      metadata,
    };

    expect(given(registered, rolloutStarted).when({ type: 'RecordTaskRestarted', data: restart })).toBeInstanceOf(
      RolloutInProgressError,
    );
    expect(given(registered).when({ type: 'RecordTaskRestarted', data: { ...restart, task: 9 } })).toBeInstanceOf(
      UnknownTaskError,
    );
  });
});
