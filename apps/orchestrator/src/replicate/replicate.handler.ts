import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  accepted,
  NAME_PATTERN,
  decideHost,
  decideJob,
  evolveJob,
  hasRunningContainer,
  hostStream,
  isDomainError,
  isReplicateRefusal,
  jobStream,
  planReplicate,
  type DomainEvent,
  type DomainError,
  type JobEvent,
  type JobState,
  type ReplicateJobPlan,
  type ReplicatePlan,
  type SourceJob,
  type TargetJob,
} from '@cj/domain';
import type { EventSource, HostSpec, HostTarget, ReplicatedJob, ReplicateResponse } from '@cj/api';
import type { EventData, RecordedEvent } from '@cj/event-store';
import { conflict, notFound, unprocessable } from '../http/problem';
import { foldHost } from '../hosts/record-host-commands';
import { ProjectionRunner } from '../read-model/projection-runner';
import { HostQueries } from '../read-model/queries/host-queries';
import { JobQueries } from '../read-model/queries/job-queries';
import { toEventData } from '../store/event-codec';
import { StreamWriter } from '../store/stream-writer';
import type { CommandContext } from '../store/command-context';
import { foldJob } from '../store/job-stream';
import { ROLLOUT_STARTER, type RolloutStarter } from '../apply/rollout-starter';
import { ReplicateEnvironmentCommand, type ReplicateSelection } from './replicate.command';

/** A source job as replicated, with the event its revision was recorded by. */
interface SourceRevision extends SourceJob {
  readonly origin: EventSource;
}

/**
 * `cj replicate`: the source env's jobs (now, as of an instant, or one job's revision) moved onto
 * the mapped hosts and recorded in the target env as one write — the hosts it declares, every
 * job's new revision and the start of each running job's rollout — then those rollouts are driven
 * like any other. Every event it records names the source event it was made from.
 */
@CommandHandler(ReplicateEnvironmentCommand)
export class ReplicateEnvironmentHandler implements ICommandHandler<ReplicateEnvironmentCommand, ReplicateResponse> {
  constructor(
    private readonly writer: StreamWriter,
    private readonly jobs: JobQueries,
    private readonly hosts: HostQueries,
    private readonly projections: ProjectionRunner,
    @Inject(ROLLOUT_STARTER) private readonly rollouts: RolloutStarter | null,
  ) {}

  async execute({
    sourceEnv,
    targetEnv,
    hostMap,
    selection,
    flags,
    context,
  }: ReplicateEnvironmentCommand): Promise<ReplicateResponse> {
    const map = replicaHosts(hostMap);
    const sources = await this.sourceJobs(sourceEnv, selection);
    const plan = planReplicate({
      sourceEnv,
      targetEnv,
      jobs: sources,
      targets: await this.targetJobs(
        targetEnv,
        sources.map((source) => source.spec.name),
      ),
      hostMap: map,
      targetHosts: byName(this.hosts.specs(targetEnv)),
      sourceHosts: byName(this.hosts.specs(sourceEnv)),
      noDeploy: flags.noDeploy,
    });
    if (isReplicateRefusal(plan)) throw plan;
    const rolled = plan.jobs.find((job) => job.rollout);
    if (rolled && !this.rollouts)
      throw conflict(
        'job-running',
        `job ${rolled.job} runs in ${targetEnv} and this orchestrator has no rollouts`,
        'replicate with --no-deploy',
      );
    const base = {
      sourceEnv,
      targetEnv,
      dryRun: flags.dryRun,
      ...(selection.asOf !== undefined && { asOf: selection.asOf }),
      hosts: plan.hosts.map((host) => host.spec),
    };
    // A dry run knows the revision only of what stays as it is: the others' numbers are given when recorded.
    if (flags.dryRun)
      return {
        ...base,
        jobs: plan.jobs.map((job) =>
          answerOf(job, job.action === 'unchanged' ? this.jobs.current(targetEnv, job.job)?.revision : undefined),
        ),
      };

    const origins = new Map(sources.map((source) => [source.spec.name, source.origin]));
    const { jobs, position } = await this.record(sourceEnv, targetEnv, plan, origins, context);
    for (const job of jobs) {
      if (job.rolloutId !== undefined) await this.rollouts?.started(targetEnv, job.job, job.rolloutId);
    }
    if (position !== undefined) await this.projections.waitFor(position);
    return { ...base, jobs };
  }

  /**
   * The source's jobs and the revision each is replicated at: the current one, the one current
   * at `asOf` (the stream folded up to that instant; a job not declared, removed or stopped then
   * is left out), or `revision` of `job`.
   */
  private async sourceJobs(env: string, { asOf, job, revision }: ReplicateSelection): Promise<SourceRevision[]> {
    if (revision !== undefined && job === undefined)
      throw unprocessable(
        'revision-without-job',
        "a revision names one job's revision; no job was given",
        'add --job JOB',
      );
    if (revision !== undefined && asOf !== undefined)
      throw unprocessable(
        'revision-and-as-of',
        'give either a revision or an instant, not both',
        'drop --as-of or --revision',
      );
    const names =
      job !== undefined ? [job] : asOf !== undefined ? this.jobs.jobNames(env) : this.jobs.activeJobNames(env);
    const until = asOf === undefined ? undefined : Date.parse(asOf);
    const sources: SourceRevision[] = [];
    for (const name of names) {
      const stream = jobStream(env, name);
      const records = (await this.writer.load(stream)).records.filter(
        (record) => until === undefined || Date.parse(occurredAt(record)) <= until,
      );
      const state = foldJob(records);
      const wanted = revision ?? state.currentRevision;
      if (state.status !== 'active' || wanted === undefined || (asOf !== undefined && state.stopped)) {
        if (job === undefined) continue;
        throw notFound(
          'job-not-found',
          `job ${name} of ${env} ${asOf === undefined ? 'is not registered' : `was not running at ${asOf}`}`,
          `see cj --env ${env} status${asOf === undefined ? '' : ' and cj history JOB'}`,
        );
      }
      const spec = state.revisions[wanted];
      const origin = records.find((record) => isRevisionEvent(record, wanted));
      if (!spec || !origin)
        throw notFound(
          'revision-not-found',
          `job ${name} of ${env} has no revision ${wanted}`,
          `see its revisions with cj --env ${env} history ${name}`,
        );
      sources.push({ spec, revision: wanted, origin: sourceOf(env, origin) });
    }
    return sources;
  }

  /** Each job's state in the target, as the plan reads it. */
  private async targetJobs(env: string, names: readonly string[]): Promise<Map<string, TargetJob>> {
    const targets = new Map<string, TargetJob>();
    for (const name of names)
      targets.set(name, targetOf(foldJob((await this.writer.load(jobStream(env, name))).records)));
    return targets;
  }

  /**
   * The whole replicate as one write, decided on the streams as loaded: the hosts it declares,
   * each changed job's new revision and, where it runs, its rollout's start (one transaction on
   * the embedded store; on EventStoreDB one atomic append per stream, hosts first).
   */
  private async record(
    sourceEnv: string,
    targetEnv: string,
    plan: ReplicatePlan,
    origins: ReadonlyMap<string, EventSource>,
    context: CommandContext,
  ): Promise<{ jobs: ReplicatedJob[]; position?: bigint }> {
    const hostSources = await this.hostSources(sourceEnv, plan, origins);
    const hostStreams = plan.hosts.map((host) => hostStream(targetEnv, host.spec.name));
    const changing = plan.jobs.filter((job) => job.action !== 'unchanged');
    const jobStreams = changing.map((job) => jobStream(targetEnv, job.job));
    let jobs: ReplicatedJob[] = [];
    const appended = await this.writer.decideAndAppendToStreams([...hostStreams, ...jobStreams], (streams) => {
      const decided = new Map<string, EventData[]>();
      plan.hosts.forEach((host, i) => {
        const stream = hostStreams[i];
        const events = accepted(
          decideHost(
            { type: 'DeclareHost', data: host.spec, metadata: context },
            foldHost(streams.get(stream)?.records ?? []),
          ),
        );
        decided.set(stream, stamped(events, hostSources[i], stream, context));
      });
      const recorded = new Map<string, ReplicatedJob>();
      changing.forEach((job, i) => {
        const stream = jobStreams[i];
        const source = origins.get(job.job) as EventSource;
        const { events, answer } = this.decideJob(targetEnv, job, foldJob(streams.get(stream)?.records ?? []), context);
        decided.set(stream, stamped(events, source, stream, context));
        recorded.set(job.job, answer);
      });
      jobs = plan.jobs.map(
        (job) => recorded.get(job.job) ?? answerOf(job, this.jobs.current(targetEnv, job.job)?.revision),
      );
      return decided;
    });
    return { jobs, position: appended.position };
  }

  /** One job's events: its new revision, and its rollout's start when the plan rolls it out. */
  private decideJob(
    env: string,
    job: ReplicateJobPlan,
    state: JobState,
    metadata: CommandContext,
  ): { events: JobEvent[]; answer: ReplicatedJob } {
    const events = decided(decideJob({ type: 'RegisterOrUpdateJob', data: { spec: job.spec }, metadata }, state));
    const revision = events
      .map((event) => ('revision' in event.data ? event.data.revision : undefined))
      .find((r) => r !== undefined);
    const answer = answerOf(job, revision);
    if (revision === undefined || !job.rollout || !this.rollouts) return { events, answer };
    const begin = this.rollouts.begin(
      { env, job: job.job, fromRevision: state.currentRevision, toRevision: revision, spec: job.spec },
      metadata,
    );
    const after = events.reduce(evolveJob, state);
    const { noRollout: _none, ...rolled } = answer;
    return {
      events: [...events, ...decided(decideJob(begin, after))],
      answer: { ...rolled, rolloutId: begin.data.rolloutId },
    };
  }

  /**
   * What each declared host is made from: the source host's last declaration when the source has
   * one, else the revision of the first job placed on it.
   */
  private async hostSources(
    sourceEnv: string,
    plan: ReplicatePlan,
    origins: ReadonlyMap<string, EventSource>,
  ): Promise<EventSource[]> {
    const sources: EventSource[] = [];
    for (const host of plan.hosts) {
      const last = (await this.writer.load(hostStream(sourceEnv, host.from))).records
        .filter((record) => record.type === 'HostDeclared')
        .at(-1);
      const placed = plan.jobs.find((job) =>
        job.spec.tasks.some((task) => task.host === host.spec.name),
      ) as ReplicateJobPlan;
      sources.push(last ? sourceOf(sourceEnv, last) : (origins.get(placed.job) as EventSource));
    }
    return sources;
  }
}

/** The map as the request gave it, each target checked: a host name, or a host to declare. */
function replicaHosts(hostMap: Readonly<Record<string, string | HostTarget>>): Record<string, HostTarget> {
  const hosts: Record<string, HostTarget> = {};
  for (const [from, to] of Object.entries(hostMap)) {
    const target = typeof to === 'string' ? { name: to } : to;
    const valid =
      typeof target === 'object' &&
      target !== null &&
      typeof target.name === 'string' &&
      NAME_PATTERN.test(target.name) &&
      (target.endpoint === undefined || typeof target.endpoint === 'string') &&
      (target.address === undefined ||
        (typeof target.address === 'string' && /^[A-Za-z0-9.:[\]-]{1,253}$/.test(target.address))) &&
      Object.keys(target).every((key) => ['name', 'endpoint', 'address'].includes(key));
    if (!valid)
      throw unprocessable(
        'bad-host-map',
        `the target of host ${from} is not a host name or {name, endpoint, address}`,
        'map each host as OLD=NEW, OLD=NEW=ENDPOINT or OLD=NEW=ENDPOINT=ADDRESS',
      );
    hosts[from] = {
      name: target.name,
      ...(target.endpoint !== undefined && { endpoint: target.endpoint }),
      ...(target.address !== undefined && { address: target.address }),
    };
  }
  return hosts;
}

function targetOf(state: JobState): TargetJob {
  if (state.status !== 'active' || state.currentRevision === undefined) return { state: 'absent' };
  const revision = state.currentRevision;
  const spec = state.revisions[revision];
  if (!hasRunningContainer(state)) return { state: 'stopped', revision, spec };
  return {
    state: 'running',
    revision,
    spec,
    ...(state.activeRolloutId !== undefined && { activeRolloutId: state.activeRolloutId }),
  };
}

function answerOf(job: ReplicateJobPlan, revision: number | undefined): ReplicatedJob {
  return {
    job: job.job,
    action: job.action,
    sourceRevision: job.sourceRevision,
    ...(revision !== undefined && { revision }),
    changes: job.changes.map((change) => change.path),
    ...(job.noRollout !== undefined && { noRollout: job.noRollout }),
  };
}

/** The events with their metadata naming the source event they were made from. */
function stamped(
  events: readonly DomainEvent[],
  source: EventSource,
  stream: string,
  context: CommandContext,
): EventData[] {
  return events.map((event, index) =>
    toEventData({ ...event, metadata: { ...event.metadata, source } } as DomainEvent, context.commandId, stream, index),
  );
}

function sourceOf(env: string, record: RecordedEvent): EventSource {
  return { env, stream: record.streamId, revision: record.revision.toString(), position: record.position.toString() };
}

function isRevisionEvent(record: RecordedEvent, revision: number): boolean {
  return (
    (record.type === 'JobRegistered' || record.type === 'JobRevisionCreated') &&
    (record.data as { revision?: number }).revision === revision
  );
}

function occurredAt(record: RecordedEvent): string {
  return (record.metadata as { occurredAt?: string }).occurredAt ?? record.created.toISOString();
}

function byName(hosts: readonly HostSpec[]): Map<string, HostSpec> {
  return new Map(hosts.map((host) => [host.name, host]));
}

function decided(events: readonly JobEvent[] | DomainError): JobEvent[] {
  if (isDomainError(events)) throw events;
  return [...events];
}
