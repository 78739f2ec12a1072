import type { JobSpec, PlanEntry } from '@cj/api';
import { classifyChanges, replacesContainers } from '../diff/change-kind';
import { diffJobSpecs } from '../diff/diff-job-specs';
import { RolloutInProgressError, type DomainError } from '../errors';
import { removalRefusal } from '../job/decide';
import { hasRunningContainer, type JobState } from '../job/state';

/** One job of an apply: what the file asks of it, the state that was decided on, and how it goes out. */
export interface ApplyJobPlan {
  readonly entry: PlanEntry;
  /** The file's spec of the job (absent for a removal). */
  readonly spec?: JobSpec;
  readonly state: JobState;
  /** The job runs and what its containers are made from changed: the new revision goes out through a rollout. */
  readonly rollout: boolean;
}

export interface ApplyInput {
  /** The jobs the file declares, each with its job's state as recorded. */
  readonly declared: readonly { readonly spec: JobSpec; readonly state: JobState }[];
  /** The environment's other jobs (named by the read model as active), with their state as recorded. */
  readonly others: readonly { readonly job: string; readonly state: JobState }[];
}

/**
 * What an apply means for each job before anything is recorded. A declared job is created,
 * updated or unchanged. An update that changes only policy lands in place. One that replaces the
 * containers of a running job goes out through a rollout. An active job the file no longer declares
 * is removed. The whole apply is refused, as the job decider would refuse it when it is recorded,
 * when a job it changes has a rollout in progress or a job it removes still runs; a dry run is
 * refused alike.
 */
export function planApply(input: ApplyInput): ApplyJobPlan[] | DomainError {
  const plans: ApplyJobPlan[] = [
    ...input.declared.map(({ spec, state }) => planDeclared(spec, state)),
    ...input.others
      .filter(({ state }) => state.status === 'active')
      .map(({ job, state }) => ({ entry: { job, action: 'remove' as const, changes: [] }, state, rollout: false })),
  ];
  for (const { entry, state } of plans) {
    if (entry.action === 'remove') {
      const refused = removalRefusal(state, entry.job);
      if (refused) return refused;
    } else if (entry.action !== 'unchanged' && state.activeRolloutId !== undefined) {
      return new RolloutInProgressError(entry.job, state.activeRolloutId);
    }
  }
  return plans;
}

function planDeclared(spec: JobSpec, state: JobState): ApplyJobPlan {
  const current =
    state.status === 'active' && state.currentRevision !== undefined
      ? state.revisions[state.currentRevision]
      : undefined;
  if (!current) return { entry: { job: spec.name, action: 'create', changes: [] }, spec, state, rollout: false };
  const changes = classifyChanges(diffJobSpecs(current, spec));
  const replaces = replacesContainers(changes);
  return {
    entry: {
      job: spec.name,
      action: changes.length === 0 ? 'unchanged' : 'update',
      changes,
      ...(changes.length > 0 && !replaces && { inPlace: true as const }),
    },
    spec,
    state,
    // Only what needs new containers is rolled out: a policy change lands in place.
    rollout: replaces && hasRunningContainer(state),
  };
}
