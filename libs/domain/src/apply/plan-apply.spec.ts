import type { JobEvent } from '../job/events';
import { evolveJob, initialJobState, type JobState } from '../job/state';
import { JobRunningError, RolloutInProgressError } from '../errors';
import { jobSpec, webRegistered, webRemoved, webStarted, webStopped, webV1, webV2 } from '../testing';
import { planApply, type ApplyJobPlan } from './plan-apply';

const v1 = webV1;
const wider = jobSpec({ update: { ...v1.update, maxParallel: v1.update.maxParallel + 1 } });
const [registered, started, stopped, removed] = [webRegistered, webStarted, webStopped, webRemoved];

const state = (...history: JobEvent[]): JobState => history.reduce(evolveJob, initialJobState());
const rolling = (s: JobState): JobState => ({ ...s, activeRolloutId: 'r-1' });
const only = (plans: ReturnType<typeof planApply>): ApplyJobPlan => {
  if (!Array.isArray(plans) || plans.length !== 1) throw new Error(`expected one plan, got ${String(plans)}`);
  return plans[0];
};

describe('planApply: a job the file declares', () => {
  it('is created when it was never registered, or was removed', () => {
    for (const history of [[], [registered, removed]]) {
      const plan = only(planApply({ declared: [{ spec: v1, state: state(...history) }], others: [] }));
      expect(plan).toMatchObject({ entry: { job: 'web', action: 'create', changes: [] }, spec: v1, rollout: false });
    }
  });

  it('is unchanged when its spec is the recorded one, even while a rollout runs', () => {
    const plan = only(planApply({ declared: [{ spec: v1, state: rolling(state(registered, started)) }], others: [] }));
    expect(plan.entry).toEqual({ job: 'web', action: 'unchanged', changes: [] });
  });

  it('is rolled out when its containers change and it runs', () => {
    const plan = only(planApply({ declared: [{ spec: webV2, state: state(registered, started) }], others: [] }));
    expect(plan.rollout).toBe(true);
    expect(plan.entry).toMatchObject({ action: 'update' });
    expect(plan.entry.inPlace).toBeUndefined();
    expect(plan.entry.changes.map((change) => [change.path, change.kind])).toContainEqual(['image.tag', 'container']);
  });

  it('is recorded without a rollout when its containers change but none runs', () => {
    const plan = only(
      planApply({ declared: [{ spec: webV2, state: state(registered, started, stopped) }], others: [] }),
    );
    expect(plan).toMatchObject({ entry: { action: 'update' }, rollout: false });
  });

  it('lands in place when only its policy changes, running or not', () => {
    const plan = only(planApply({ declared: [{ spec: wider, state: state(registered, started) }], others: [] }));
    expect(plan).toMatchObject({ entry: { action: 'update', inPlace: true }, rollout: false });
  });

  it('refuses a change while a rollout of the job is in progress', () => {
    expect(planApply({ declared: [{ spec: webV2, state: rolling(state(registered, started)) }], others: [] })).toEqual(
      new RolloutInProgressError('web', 'r-1'),
    );
  });
});

describe('planApply: an active job the file no longer declares', () => {
  it('is removed once it has stopped; a removed one is left alone', () => {
    expect(
      only(planApply({ declared: [], others: [{ job: 'web', state: state(registered, started, stopped) }] })),
    ).toMatchObject({ entry: { job: 'web', action: 'remove', changes: [] }, rollout: false });
    expect(planApply({ declared: [], others: [{ job: 'web', state: state(registered, removed) }] })).toEqual([]);
  });

  it('refuses the whole apply while it runs, whatever else the file changes', () => {
    const refused = planApply({
      declared: [{ spec: jobSpec({ name: 'api' }), state: initialJobState() }],
      others: [{ job: 'web', state: state(registered, started) }],
    });
    expect(refused).toBeInstanceOf(JobRunningError);
    expect(refused).toMatchObject({
      code: 'job-running',
      message: 'job web is running and the file no longer declares it',
    });
  });
});
