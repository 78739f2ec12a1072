/**
 * What the rollout runner needs from the rest of the orchestrator, as narrow interfaces: where a
 * host's engine and tasks are, and what a job looks like at a given revision.
 */
import type { ActiveRollout, ContainerRuntime, HealthProbe, RolloutEvent } from '@cj/domain';
import type { JobSpec } from '@cj/api';

export interface RolloutHost {
  readonly runtime: ContainerRuntime;
  /** Where the host's tasks answer health checks. */
  readonly address: string;
}

export interface RolloutHosts {
  /** Throws UnknownRolloutHost when the environment declares no such host. */
  host(env: string, name: string): RolloutHost;
  /** Every host the environment declares (and has not retired): where a job may have left containers. */
  names(env: string): readonly string[];
}

/** A job as recorded at one revision: a revision pins the image by digest, so image and config come together. */
export interface JobRevision {
  readonly revision: number;
  readonly spec: JobSpec;
}

export interface RevisionCatalog {
  /** Throws UnknownRevision when the job has no such revision. */
  revision(env: string, job: string, revision: number): Promise<JobRevision>;
}

/**
 * The job's own stream, as a rollout keeps it up to date: the containers each step started,
 * stopped or removed (so the job's record of what runs where, and `cj status`, follow the
 * rollout), and the end mark that lets the job have its next rollout.
 */
export interface RolloutJobRecord {
  /** Records the container facts of a step's outcome; recording the same outcome twice adds nothing. */
  containerFacts(rollout: ActiveRollout, outcome: readonly RolloutEvent[]): Promise<void>;
  /** Marks the job stream: the rollout ended. Idempotent. */
  ended(rollout: ActiveRollout): Promise<void>;
  /**
   * Marks the job stream: the rollout it names never began (its start was cut off between the job's
   * mark and the rollout's first event). Idempotent.
   */
  neverStarted(env: string, job: string, rolloutId: string): Promise<void>;
}

/** Runs work on an environment's containers apart from anything else that changes or looks at them. */
export type Exclusive = <T>(env: string, work: () => Promise<T>) => Promise<T>;

export interface RolloutRunnerDeps {
  readonly hosts: RolloutHosts;
  readonly revisions: RevisionCatalog;
  readonly jobs: RolloutJobRecord;
  /**
   * Runs a step that changes containers, with its record on the job stream, apart from anything
   * else that looks at the environment's containers (the observation loop, up, down).
   */
  readonly exclusive: Exclusive;
  readonly probe: HealthProbe;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

export class UnknownRolloutHost extends Error {
  override readonly name = 'UnknownRolloutHost';
  constructor(
    readonly env: string,
    readonly host: string,
  ) {
    super(`host ${host} is not declared in environment ${env}; add it to the hosts section of the jobs file`);
  }
}

export class UnknownRevision extends Error {
  override readonly name = 'UnknownRevision';
  constructor(
    readonly env: string,
    readonly job: string,
    readonly revision: number,
  ) {
    super(`job ${job} in ${env} has no revision ${revision}; list them with GET /v1/envs/${env}/jobs/${job}/history`);
  }
}
