import { OPTIONS } from '../config/options.token';
import type { OrchestratorOptions } from '../config/options';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import {
  accepted,
  hasRunningContainer,
  classifyChanges,
  decideHost,
  diffJobSpecs,
  replacesContainers,
  evolveJob,
  hostStream,
  jobStream,
  type JobEvent,
  type Environment,
  type JobState,
  JobRunningError,
  RolloutInProgressError,
} from '@cj/domain';
import type { ApplyResponse, DroppedHost, JobSpec, PlanEntry } from '@cj/api';
import type { EventData } from '@cj/event-store';
import { foldHost } from '../hosts/record-host-commands';
import { EnvironmentLocks } from '../hosts/environment-locks';
import { ImageRegistries } from '../hosts/image-registries';
import { planDroppedHosts, retireHosts, type NamedByFile } from '../hosts/retire-hosts';
import { ProjectionRunner } from '../read-model/projection-runner';
import { HostQueries } from '../read-model/queries/host-queries';
import { JobQueries } from '../read-model/queries/job-queries';
import { toEventData } from '../store/event-codec';
import { StreamWriter } from '../store/stream-writer';
import type { CommandContext } from '../store/command-context';
import { foldJob } from '../store/job-stream';
import { decideJobCommands } from '../store/record-job-commands';
import { ROLLOUT_STARTER, type RolloutStarter } from './rollout-starter';
import { ApplyJobsFileCommand } from './apply.command';
import { readJobsFile } from './read-jobs-file';
import { resolveImages } from './resolve-images';

interface JobPlan {
  readonly entry: PlanEntry;
  readonly spec?: JobSpec;
  readonly state: JobState;
  /** The job runs and what its containers are made from changed: the new revision goes out through a rollout. */
  readonly rollout: boolean;
}

/**
 * `cj apply`: validate the whole file, pin every image to its registry digest, plan per job, and
 * only then record hosts and revisions. A running job whose containers change is rolled out; a
 * change of policy only (update, health check) is recorded and takes effect in place. A host the
 * file no longer names is retired once nothing of cj is left on it (the domain's retirement rule).
 */
@CommandHandler(ApplyJobsFileCommand)
export class ApplyJobsFileHandler implements ICommandHandler<ApplyJobsFileCommand, ApplyResponse> {
  constructor(
    private readonly writer: StreamWriter,
    private readonly registries: ImageRegistries,
    private readonly jobs: JobQueries,
    private readonly projections: ProjectionRunner,
    private readonly hosts: HostQueries,
    private readonly locks: EnvironmentLocks,
    @Inject(ROLLOUT_STARTER) private readonly rollouts: RolloutStarter,
    @Inject(OPTIONS) private readonly options: OrchestratorOptions,
  ) {}

  async execute({ env, jobs, base, dryRun, context }: ApplyJobsFileCommand): Promise<ApplyResponse> {
    const environment = await resolveImages(await readJobsFile(env, jobs, base, this.options.policy), this.registries);
    const plans = await this.plan(environment);
    this.refuseUnsafe(plans);
    const named: NamedByFile = { hosts: environment.hosts.map((host) => host.name), jobs: this.jobNames(environment) };
    if (dryRun)
      return answer(
        env,
        dryRun,
        plans.map((plan) => plan.entry),
        await planDroppedHosts(this.writer, this.hosts, env, named),
      );

    const { entries, position } = await this.record(env, environment, plans, context);
    for (const entry of entries) {
      if (entry.rolloutId !== undefined) await this.rollouts.started(env, entry.job, entry.rolloutId);
    }
    if (position !== undefined) await this.projections.waitFor(position);
    return answer(env, dryRun, entries, await this.retireDroppedHosts(env, named, context));
  }

  /**
   * Under the environment's lock, so no `up` starts a container on a host between the rule's
   * look and the retirement, and the observation loop's next look already leaves the host out.
   */
  private retireDroppedHosts(env: string, named: NamedByFile, context: CommandContext): Promise<DroppedHost[]> {
    return this.locks.run(env, async () => {
      const dropped = await planDroppedHosts(this.writer, this.hosts, env, named);
      const position = await retireHosts(this.writer, env, dropped, context);
      if (position !== undefined) await this.projections.waitFor(position);
      return dropped;
    });
  }

  /** The file's jobs and the other active ones: every job that may have a container on a dropped host. */
  private jobNames(environment: Environment): string[] {
    return [...new Set([...environment.jobs.map((job) => job.name), ...this.jobs.activeJobNames(environment.name)])];
  }

  private async plan(environment: Environment): Promise<JobPlan[]> {
    const inFile = new Set(environment.jobs.map((job) => job.name));
    const plans: JobPlan[] = [];
    for (const spec of environment.jobs) {
      const state = foldJob((await this.writer.load(jobStream(environment.name, spec.name))).records);
      const current =
        state.status === 'active' && state.currentRevision !== undefined
          ? state.revisions[state.currentRevision]
          : undefined;
      if (!current) {
        plans.push({ entry: { job: spec.name, action: 'create', changes: [] }, spec, state, rollout: false });
        continue;
      }
      const changes = classifyChanges(diffJobSpecs(current, spec));
      const replaces = replacesContainers(changes);
      plans.push({
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
      });
    }
    for (const job of this.jobs.activeJobNames(environment.name)) {
      if (inFile.has(job)) continue;
      const state = foldJob((await this.writer.load(jobStream(environment.name, job))).records);
      if (state.status === 'active')
        plans.push({ entry: { job, action: 'remove', changes: [] }, state, rollout: false });
    }
    return plans;
  }

  /**
   * Refuses, before anything is recorded and on a dry run too, what the job decider would refuse
   * when the plan is recorded: a change while a rollout is in progress, the removal of a running job.
   */
  private refuseUnsafe(plans: readonly JobPlan[]): void {
    for (const plan of plans) {
      if (plan.entry.action !== 'unchanged' && plan.state.activeRolloutId !== undefined) {
        throw new RolloutInProgressError(plan.entry.job, plan.state.activeRolloutId);
      }
      if (plan.entry.action === 'remove' && hasRunningContainer(plan.state)) throw new JobRunningError(plan.entry.job);
    }
  }

  /**
   * The whole apply as one write: the hosts that are new or moved, every job's new revision or
   * removal, and the start of each running job's rollout, decided on the streams as loaded and
   * appended together (one transaction on the embedded store; on EventStoreDB one atomic append
   * per stream, hosts first, each job's revision and rollout start always in the same one).
   */
  private async record(
    env: string,
    environment: Environment,
    plans: readonly JobPlan[],
    context: CommandContext,
  ): Promise<{ entries: PlanEntry[]; position?: bigint }> {
    const hostStreams = environment.hosts.map((host) => hostStream(env, host.name));
    const changing = plans.filter((plan) => plan.entry.action !== 'unchanged');
    const jobStreams = changing.map((plan) => jobStream(env, plan.entry.job));
    let entries: PlanEntry[] = [];
    const appended = await this.writer.decideAndAppendToStreams([...hostStreams, ...jobStreams], (streams) => {
      const decided = new Map<string, EventData[]>();
      environment.hosts.forEach((host, i) => {
        const stream = hostStreams[i];
        const events = accepted(
          decideHost(
            { type: 'DeclareHost', data: host, metadata: context },
            foldHost(streams.get(stream)?.records ?? []),
          ),
        );
        decided.set(
          stream,
          events.map((event, index) => toEventData(event, context.commandId, stream, index)),
        );
      });
      const recorded = new Map<string, PlanEntry>();
      changing.forEach((plan, i) => {
        const stream = jobStreams[i];
        const { events, entry } = this.decideJob(env, plan, foldJob(streams.get(stream)?.records ?? []), context);
        decided.set(
          stream,
          events.map((event, index) => toEventData(event, context.commandId, stream, index)),
        );
        recorded.set(plan.entry.job, entry);
      });
      entries = plans.map((plan) => recorded.get(plan.entry.job) ?? plan.entry);
      return decided;
    });
    return { entries, position: appended.position };
  }

  /** One job's events in the apply: its new revision (and its rollout's start when it runs), or its removal. */
  private decideJob(
    env: string,
    plan: JobPlan,
    state: JobState,
    metadata: CommandContext,
  ): { events: JobEvent[]; entry: PlanEntry } {
    const { entry } = plan;
    if (entry.action === 'remove')
      return { events: decideJobCommands(state, [{ type: 'RemoveJob', data: { job: entry.job }, metadata }]), entry };
    const spec = plan.spec as JobSpec;
    const events = decideJobCommands(state, [{ type: 'RegisterOrUpdateJob', data: { spec }, metadata }]);
    const revision = events
      .map((event) => ('revision' in event.data ? event.data.revision : undefined))
      .find((r) => r !== undefined);
    if (revision === undefined) return { events, entry };
    if (!plan.rollout) return { events, entry: { ...entry, revision } };
    const begin = this.rollouts.begin(
      { env, job: entry.job, fromRevision: state.currentRevision, toRevision: revision, spec },
      metadata,
    );
    const after = events.reduce(evolveJob, state);
    return {
      events: [...events, ...decideJobCommands(after, [begin])],
      entry: { ...entry, revision, rolloutId: begin.data.rolloutId },
    };
  }
}

function answer(
  env: string,
  dryRun: boolean,
  plan: readonly PlanEntry[],
  droppedHosts: readonly DroppedHost[],
): ApplyResponse {
  return { env, dryRun, plan, ...(droppedHosts.length > 0 && { droppedHosts }) };
}
