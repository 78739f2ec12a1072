import { Inject, Injectable } from '@nestjs/common';
import { formatImageRef, sameTaskContainer } from '@cj/domain';
import type { JobSpec, StatusResponse, TaskStatus } from '@cj/api';
import { CLOCK, type Clock } from '../clock';
import { OPTIONS } from '../config/options.token';
import type { OrchestratorOptions } from '../config/options';
import { notFound } from '../http/problem';
import { HostSightings } from '../observation/host-sightings';
import { TaskStats, type TaskStatsRow } from '../observation/task-stats';
import { ProjectionRunner } from '../read-model/projection-runner';
import { HostQueries } from '../read-model/queries/host-queries';
import { JobQueries } from '../read-model/queries/job-queries';
import { TaskQueries, type TaskRow } from '../read-model/queries/task-queries';

const HEALTH = new Set(['healthy', 'unhealthy', 'starting']);

/**
 * What a host shows is stale when the log has not taken a look at it for this many observation
 * intervals (and at least STALE_MIN_MS): the host did not answer, or the store refused what it showed.
 */
const STALE_INTERVALS = 3;
const STALE_MIN_MS = 5_000;

/**
 * An answer is reused while the read models stand at the same log position and for at most this
 * long: what only observation's freshness changes (when a host was last looked at, memory and CPU
 * samples, stale marks) may be this old, what the log says never is.
 */
const REUSE_MS = 500;
const REUSED_ANSWERS = 32;

/**
 * `cj status`: desired beside observed per task, and the containers no task accounts for, from
 * the read models only: no engine is asked on the request's path. What the engines report arrives
 * through observation (events and resyncs) and the background stats sampler, each value with when
 * it was observed; a task whose host the log has not taken a look at lately is marked stale.
 */
@Injectable()
export class StatusView {
  constructor(
    private readonly tasks: TaskQueries,
    private readonly jobs: JobQueries,
    private readonly hosts: HostQueries,
    private readonly sightings: HostSightings,
    private readonly stats: TaskStats,
    @Inject(OPTIONS) private readonly options: OrchestratorOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly projections: ProjectionRunner,
  ) {}

  private readonly answers = new Map<string, StatusResponse>();

  /**
   * Many clients polling a large environment ask the same question at the same log position: they
   * share one answer (20 clients × 200 tasks no longer fold 200 rows each per request).
   */
  status(env: string, job?: string): StatusResponse {
    const key = JSON.stringify([
      env,
      job ?? null,
      String(this.projections.position),
      Math.floor(this.clock.now().getTime() / REUSE_MS),
    ]);
    const reused = this.answers.get(key);
    if (reused) return reused;
    const answer = this.compute(env, job);
    if (this.answers.size >= REUSED_ANSWERS) this.answers.clear();
    this.answers.set(key, answer);
    return answer;
  }

  private compute(env: string, job?: string): StatusResponse {
    const rows = this.tasks.tasks(env, job);
    // Containers of a job cj does not know may run too: asking for that job shows them.
    const unexpected = this.hosts.unexpected(env, job);
    // A typo in a job's name must not read as "it has no tasks".
    if (job !== undefined && rows.length === 0 && unexpected.length === 0 && !this.jobs.known(env, job)) {
      throw notFound(
        'job-not-found',
        `environment ${env} has no job ${job}`,
        `list the jobs with cj status --env ${env}`,
      );
    }
    const seen = this.sightings.lastSeen(env);
    const recorded = this.sightings.lastRecorded(env);
    // Before its first look is recorded (a new read database), a host is as current as its last answer.
    for (const [host, at] of seen) if (!recorded.has(host)) recorded.set(host, at);
    const stats = this.stats.forEnv(env);
    const staleBefore =
      this.clock.now().getTime() - Math.max(STALE_MIN_MS, STALE_INTERVALS * this.options.observeIntervalMs);
    const specs = new Map<string, JobSpec | undefined>();
    const specOf = (name: string, revision: number) => {
      const key = `${name}/${revision}`;
      if (!specs.has(key)) specs.set(key, this.jobs.revision(env, name, revision));
      return specs.get(key);
    };
    const tasks = rows.map((row) => this.task(row, specOf, recorded, stats, staleBefore));
    const heldHosts = [...this.hosts.held(env)].sort();
    const sharedHosts = [...this.hosts.shared(env)].flatMap(([host, others]) =>
      others.map((other) => ({ host, storeId: other.storeId, containers: other.containers.length })),
    );
    return {
      env,
      tasks,
      ...(unexpected.length > 0 && { unexpected }),
      ...(heldHosts.length > 0 && { heldHosts }),
      ...(sharedHosts.length > 0 && { sharedHosts }),
    };
  }

  private task(
    row: TaskRow,
    specOf: (job: string, revision: number) => JobSpec | undefined,
    recorded: ReadonlyMap<string, string>,
    stats: ReadonlyMap<string, TaskStatsRow>,
    staleBefore: number,
  ): TaskStatus {
    const desiredSpec = specOf(row.job, row.desired_revision);
    const desired = {
      revision: row.desired_revision,
      image: desiredSpec ? formatImageRef({ ...desiredSpec.image, digest: undefined }) : 'unknown',
      ...(desiredSpec?.image.digest && { digest: desiredSpec.image.digest }),
      state: row.desired_state,
    };
    const base = { job: row.job, task: row.task, host: row.host, port: row.port, desired };
    if (row.container_id === null || row.observed_state === null) return base;
    const observedSpec = row.observed_revision !== null ? specOf(row.job, row.observed_revision) : undefined;
    const lookRecorded = recorded.get(row.container_host ?? row.host);
    const observedAt = [row.observed_at, lookRecorded]
      .filter((at): at is string => at !== null && at !== undefined)
      .sort()
      .at(-1);
    const stale = lookRecorded === undefined || Date.parse(lookRecorded) < staleBefore;
    const sample = row.observed_state === 'running' ? stats.get(row.container_id) : undefined;
    return {
      ...base,
      observed: {
        containerId: row.container_id,
        image: observedSpec ? formatImageRef({ ...observedSpec.image, digest: undefined }) : 'unknown',
        ...(observedSpec?.image.digest && { digest: observedSpec.image.digest }),
        ...(row.observed_revision !== null && { revision: row.observed_revision }),
        ...(row.observed_revision !== null &&
          desiredSpec &&
          observedSpec && { upToDate: sameTaskContainer(observedSpec, desiredSpec, row.task) }),
        state: row.observed_state,
        health: HEALTH.has(row.health) ? (row.health as 'healthy' | 'unhealthy' | 'starting') : 'unknown',
        ...(row.started_at !== null && { startedAt: row.started_at }),
        ...(row.exit_code !== null && row.observed_state === 'exited' && { exitCode: row.exit_code }),
        ...(row.restart_count > 0 && { restartCount: row.restart_count }),
        ...(observedAt !== undefined && { observedAt }),
        ...(stale && { stale: true }),
        ...(sample && { memoryBytes: sample.memory_bytes, cpuPercent: sample.cpu_percent, statsAt: sample.sampled_at }),
      },
    };
  }
}
