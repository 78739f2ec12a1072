import { OPTIONS } from '../config/options.token';
import type { OrchestratorOptions } from '../config/options';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import {
  accepted,
  decideHost,
  evolveJob,
  hostStream,
  jobStream,
  planApply,
  type ApplyJobPlan,
  type JobEvent,
  type Environment,
  type JobState,
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

  /** Every job's plan, decided in the domain on the job streams as they are now. */
  private async plan(environment: Environment): Promise<ApplyJobPlan[]> {
    const load = async (job: string) => foldJob((await this.writer.load(jobStream(environment.name, job))).records);
    const inFile = new Set(environment.jobs.map((job) => job.name));
    const declared = [];
    for (const spec of environment.jobs) declared.push({ spec, state: await load(spec.name) });
    const others = [];
    for (const job of this.jobs.activeJobNames(environment.name)) {
      if (!inFile.has(job)) others.push({ job, state: await load(job) });
    }
    return [...accepted(planApply({ declared, others }))];
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
    plans: readonly ApplyJobPlan[],
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
    plan: ApplyJobPlan,
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
