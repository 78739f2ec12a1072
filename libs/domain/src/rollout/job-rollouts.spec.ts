import type { EventMetadata } from '../events/metadata';
import type { JobEvent } from '../job/events';
import type { CommandMetadata } from '../command-metadata';
import { decideJob, evolveJob, initialJobState } from '../job';
import { jobSpec } from '../testing';
import { accepted } from '../errors';
import { decideRollout } from './decide';
import { rolloutEvent, type RolloutEvent } from './events';
import {
  containerFacts,
  endRolloutCommand,
  neverStartedCommand,
  previousGoodRevision,
  rolloutProbe,
  runningRevision,
} from './job-rollouts';
import { foldRollout, initialRolloutState, type ActiveRollout } from './state';
import { startCommand, T0 } from './testing/world';

const metadata: EventMetadata = {
  actor: 'orchestrator',
  correlationId: 'r',
  causationId: 'r',
  occurredAt: '2015-06-01T10:00:00.000Z',
  cjVersion: '0.1.0',
};
const command: CommandMetadata = {
  commandId: 'step-1',
  actor: 'orchestrator',
  occurredAt: metadata.occurredAt,
  cjVersion: '0.1.0',
};
const spec = jobSpec();
/** A revision whose containers differ: another image. */
const v2 = jobSpec({ image: { ...spec.image, tag: 'v2', digest: `sha256:${'2'.repeat(64)}` } });
/** A revision that differs only in what cj reads: it lands in place. */
const policyOnly = jobSpec({ update: { ...spec.update, minHealthyTime: 9000 } });
const job = (...events: JobEvent[]) =>
  [
    { type: 'JobRegistered', schemaVersion: 1, data: { job: 'web', revision: 1, spec }, metadata } as JobEvent,
    ...events,
  ].reduce(evolveJob, initialJobState());
const started = (containerId: string, revision = 1): JobEvent => ({
  type: 'ContainerStarted',
  schemaVersion: 1,
  data: { job: 'web', task: 0, host: 'h1', containerId, revision },
  metadata,
});
const rollout = (...events: RolloutEvent[]): ActiveRollout =>
  foldRollout(events, foldRollout(accepted(decideRollout(startCommand(), initialRolloutState())))) as ActiveRollout;

describe('containerFacts', () => {
  it('records the old container stopped and the new one started, once', () => {
    const r = rollout();
    const outcome = [
      rolloutEvent('RolloutContainerStopped', { at: T0, task: 0, role: 'old', containerId: 'old-1' }),
      rolloutEvent('RolloutContainerStarted', { at: T0, task: 0, role: 'new', containerId: 'new-1' }),
    ];

    const facts = containerFacts(r, outcome, job(started('old-1')), command);

    expect(facts).toEqual([
      {
        type: 'RecordContainerStopped',
        data: { job: 'web', task: 0, host: 'h1', containerId: 'old-1' },
        metadata: command,
      },
      {
        type: 'RecordContainerStarted',
        data: { job: 'web', task: 0, host: 'h1', containerId: 'new-1', revision: 2, rolloutId: r.id },
        metadata: command,
      },
    ]);
    const stopped: JobEvent = {
      type: 'ContainerStopped',
      schemaVersion: 1,
      data: { job: 'web', task: 0, host: 'h1', containerId: 'old-1' },
      metadata,
    };
    expect(containerFacts(r, outcome, job(started('old-1'), stopped, started('new-1', 2)), command)).toEqual([]);
  });

  it('restarts an old container under its own revision, and removes only containers the job knows', () => {
    const r = rollout();
    const stopped: JobEvent = {
      type: 'ContainerStopped',
      schemaVersion: 1,
      data: { job: 'web', task: 0, host: 'h1', containerId: 'old-1' },
      metadata,
    };
    const outcome = [
      rolloutEvent('RolloutContainerRemoved', { at: T0, task: 0, role: 'new', containerId: 'never-recorded' }),
      rolloutEvent('RolloutContainerStarted', { at: T0, task: 0, role: 'old', containerId: 'old-1' }),
      rolloutEvent('ReplacedContainersRemoved', { at: T0, task: 0, containerIds: ['old-1'] }),
    ];

    expect(
      containerFacts(r, outcome, job(started('old-1'), stopped), command).map((c) => [
        c.type,
        'revision' in c.data ? c.data.revision : undefined,
      ]),
    ).toEqual([
      ['RecordContainerStarted', 1],
      ['RecordContainerRemoved', undefined],
    ]);
  });

  it('records leftovers the job knows as stopped (when running) and removed, on the host they were found on', () => {
    const r = rollout();
    const onH2: JobEvent = {
      type: 'ContainerStarted',
      schemaVersion: 1,
      data: { job: 'web', task: 3, host: 'h2', containerId: 'old-3', revision: 1 },
      metadata,
    };
    const outcome = [
      rolloutEvent('LeftoverContainersRemoved', {
        at: T0,
        containers: [
          { task: 3, host: 'h2', containerId: 'old-3' },
          { task: 4, host: 'h2', containerId: 'never-recorded' },
        ],
      }),
    ];

    expect(containerFacts(r, outcome, job(onH2), command)).toEqual([
      {
        type: 'RecordContainerStopped',
        data: { job: 'web', task: 3, host: 'h2', containerId: 'old-3' },
        metadata: command,
      },
      {
        type: 'RecordContainerRemoved',
        data: { job: 'web', task: 3, host: 'h2', containerId: 'old-3' },
        metadata: command,
      },
    ]);
    const removed: JobEvent = {
      type: 'ContainerRemoved',
      schemaVersion: 1,
      data: { job: 'web', task: 3, host: 'h2', containerId: 'old-3' },
      metadata,
    };
    expect(containerFacts(r, outcome, job(onH2, removed), command)).toEqual([]);
  });
});

describe('the job after a rollout', () => {
  const at = T0;
  const updated = (task: number) => [
    rolloutEvent('TaskUpdateStarted', { at, task, direction: 'forward' }),
    rolloutEvent('TaskUpdated', { at, task, revision: 2, containerId: `new-${task}` }),
  ];
  const reverted = (task: number) => [
    rolloutEvent('TaskUpdateStarted', { at, task, direction: 'forward' }),
    rolloutEvent('TaskUpdateFailed', { at, task, reason: 'not healthy' }),
    rolloutEvent('TaskUpdateStarted', { at, task, direction: 'revert' }),
    rolloutEvent('TaskRolledBack', { at, task, revision: 1, containerId: `old-${task}` }),
  ];
  const end = (r: ActiveRollout) => endRolloutCommand(r, job(started('old-1')), command).data;

  it('lands on the new revision after a clean success, on the old one after a rollback', () => {
    expect(
      end(rollout(...updated(0), ...updated(1), rolloutEvent('RolloutSucceeded', { at, failedTasks: [] }))),
    ).toEqual({
      job: 'web',
      rolloutId: rollout().id,
      status: 'succeeded',
      revision: 2,
    });
    expect(end(rollout(...reverted(0), rolloutEvent('RolloutRolledBack', { at, reason: 'because' })))).toMatchObject({
      status: 'rolled-back',
      revision: 1,
    });
  });

  it('lands on the revision its tasks run when it failed or was aborted: the old one when every task runs it again', () => {
    expect(
      end(rollout(...reverted(0), rolloutEvent('RolloutFailed', { at, reason: 'host h2 unreachable' }))),
    ).toMatchObject({ status: 'failed', revision: 1 });
    expect(end(rollout(rolloutEvent('RolloutAborted', { at, reason: 'because' })))).toMatchObject({
      status: 'aborted',
      revision: 1,
    });
  });

  it('says which task runs which revision when they differ, and the job is then mixed, on its current revision', () => {
    const r = rollout(...updated(0), rolloutEvent('RolloutAborted', { at, reason: 'because' }));

    const data = end(r);

    expect(data).toEqual({ job: 'web', rolloutId: r.id, status: 'aborted', taskRevisions: { 0: 2, 1: 1 } });
    const revised: JobEvent = {
      type: 'JobRevisionCreated',
      schemaVersion: 1,
      data: { job: 'web', revision: 2, spec, changes: [] },
      metadata,
    };
    const begun: JobEvent = {
      type: 'JobRolloutStarted',
      schemaVersion: 1,
      data: { job: 'web', rolloutId: r.id, fromRevision: 1, toRevision: 2 },
      metadata,
    };
    const ended: JobEvent = { type: 'JobRolloutEnded', schemaVersion: 1, data, metadata };
    const state = job(started('old-1'), revised, begun, ended);
    expect(state.mixed).toEqual({ 0: 2, 1: 1 });
    expect(state.activeRolloutId).toBeUndefined();
    const landed: JobEvent = {
      type: 'JobRolloutEnded',
      schemaVersion: 1,
      data: { job: 'web', rolloutId: 'r-2', status: 'succeeded', revision: 2 },
      metadata,
    };
    const again: JobEvent = { ...begun, data: { ...begun.data, rolloutId: 'r-2' } };
    expect(job(started('old-1'), revised, begun, ended, again, landed).mixed).toBeUndefined();
  });

  it('names a task whose pass broke off by the container the job record says it runs, or none', () => {
    const r = rollout(
      rolloutEvent('TaskUpdateStarted', { at, task: 0, direction: 'forward' }),
      rolloutEvent('TaskUpdateFailed', { at, task: 0, reason: 'engine gone' }),
      rolloutEvent('RolloutFailed', { at, reason: 'engine gone' }),
    );
    const stopped: JobEvent = {
      type: 'ContainerStopped',
      schemaVersion: 1,
      data: { job: 'web', task: 0, host: 'h1', containerId: 'old-1' },
      metadata,
    };

    expect(endRolloutCommand(r, job(started('old-1')), command).data).toMatchObject({ revision: 1 });
    expect(endRolloutCommand(r, job(started('old-1'), stopped), command).data).toMatchObject({
      taskRevisions: { 0: null, 1: 1 },
    });
  });

  it('rolls back by default to the newest good revision that does not run now', () => {
    const revised: JobEvent = {
      type: 'JobRevisionCreated',
      schemaVersion: 1,
      data: { job: 'web', revision: 2, spec: v2, changes: [] },
      metadata,
    };
    const begun: JobEvent = {
      type: 'JobRolloutStarted',
      schemaVersion: 1,
      data: { job: 'web', rolloutId: 'r-1', fromRevision: 1, toRevision: 2 },
      metadata,
    };
    const ended: JobEvent = {
      type: 'JobRolloutEnded',
      schemaVersion: 1,
      data: { job: 'web', rolloutId: 'r-1', status: 'succeeded', revision: 2 },
      metadata,
    };
    const state = job(started('old-1'), revised, begun, started('new-1', 2), ended);

    expect(state.goodRevisions).toEqual([1, 2]);
    expect(runningRevision(state)).toBeUndefined();
    expect(previousGoodRevision(state)).toBe(1);
    expect(previousGoodRevision(job())).toBeUndefined();
  });
});

describe('a revision that changed only policy', () => {
  const at = T0;
  const rolledOut: JobEvent[] = [
    { type: 'JobRolloutStarted', schemaVersion: 1, data: { job: 'web', rolloutId: 'r-0', toRevision: 1 }, metadata },
    started('old-1'),
    {
      type: 'JobRolloutEnded',
      schemaVersion: 1,
      data: { job: 'web', rolloutId: 'r-0', status: 'succeeded', revision: 1 },
      metadata,
    },
  ];
  const inPlace: JobEvent = {
    type: 'JobRevisionCreated',
    schemaVersion: 1,
    data: { job: 'web', revision: 2, spec: policyOnly, changes: [], inPlace: true },
    metadata,
  };

  it('given it landed in place, then the job runs it with the containers revision 1 made: no rollout is needed, and a rollback goes back to revision 1', () => {
    const state = job(...rolledOut, inPlace);

    expect(state.currentRevision).toBe(2);
    expect(runningRevision(state)).toBe(2);
    expect(previousGoodRevision(state)).toBe(1);
  });

  it('given a later rollout from it fails on a task, then that task, still on its revision-1 container, counts as running revision 2: the job is not mixed', () => {
    const revised: JobEvent = {
      type: 'JobRevisionCreated',
      schemaVersion: 1,
      data: { job: 'web', revision: 3, spec: v2, changes: [] },
      metadata,
    };
    const state = job(...rolledOut, inPlace, revised);
    const r = foldRollout(
      [
        rolloutEvent('TaskUpdateStarted', { at, task: 0, direction: 'forward' }),
        rolloutEvent('TaskUpdateFailed', { at, task: 0, reason: 'engine gone' }),
        rolloutEvent('RolloutFailed', { at, reason: 'engine gone' }),
      ],
      foldRollout(accepted(decideRollout(startCommand({ fromRevision: 2, toRevision: 3 }), initialRolloutState()))),
    ) as ActiveRollout;

    expect(endRolloutCommand(r, state, command).data).toMatchObject({ status: 'failed', revision: 2 });
  });
});

describe('neverStartedCommand', () => {
  it('given a job marked with a rollout whose start was cut off, ends the mark and leaves the revision as it was', () => {
    const marked = job({
      type: 'JobRolloutStarted',
      schemaVersion: 1,
      data: { job: 'web', rolloutId: 'cut-off', fromRevision: 1, toRevision: 1 },
      metadata,
    });
    const events = decideJob(neverStartedCommand('web', 'cut-off', command), marked) as JobEvent[];

    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['JobRolloutEnded', { job: 'web', rolloutId: 'cut-off', status: 'never-started' }],
    ]);
    expect(events.reduce(evolveJob, marked)).toMatchObject({ activeRolloutId: undefined, currentRevision: 1 });
  });
});

describe('rolloutProbe', () => {
  it("checks at the job's health-check interval and fails a watched task after its retries", () => {
    expect(
      rolloutProbe({ type: 'http', path: '/health', expectStatus: 200, interval: 2000, timeout: 1000, retries: 5 }),
    ).toEqual({ probeInterval: 2000, probeRetries: 5 });
  });

  it('checks a job without a health check every second, with the default retries', () => {
    expect(rolloutProbe({ type: 'none' })).toEqual({ probeInterval: 1000 });
  });
});
