/**
 * A job's spec and a host's, as the jobs file declares them with every default applied: what the
 * domain records in a revision and what the API shows (`cj timeline --spec`, `cj replicate`).
 */

/** Durations are milliseconds throughout the model. */
export type Millis = number;

export interface HostSpec {
  readonly name: string;
  /** Docker endpoint: `unix:///var/run/docker.sock`, `tcp://h:2376`, `ssh://user@h`. */
  readonly endpoint: string;
  /** Address at which the host's tasks' ports are reached (health checks). */
  readonly address: string;
  /** TLS material for tcp endpoints (paths on the orchestrator's machine). */
  readonly tls?: { readonly ca: string; readonly cert: string; readonly key: string };
  /**
   * The host's ssh host key (`ssh-ed25519 AAAA…`), pinned by the jobs file for an ssh endpoint:
   * only this key is accepted. Without it the orchestrator's known_hosts decides.
   */
  readonly sshHostKey?: string;
}

export interface ImageRef {
  /** Registry host[:port], when the reference names one (`localhost:5000`). */
  readonly registry?: string;
  /** Repository path (`demo`, `team/webhook-listener`). */
  readonly repository: string;
  readonly tag: string;
  /** Pinned digest (`sha256:…`), once resolved from the registry. */
  readonly digest?: string;
}

export interface EnvVar {
  readonly key: string;
  readonly value: string;
}

export interface Mount {
  /** Host path (absolute), or a path relative to the job's data directory. */
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

export type HealthCheck =
  | ({ readonly type: 'http'; readonly path: string; readonly expectStatus: number } & HealthTiming)
  | ({ readonly type: 'tcp' } & HealthTiming)
  | ({ readonly type: 'exec'; readonly command: readonly string[] } & HealthTiming)
  | ({ readonly type: 'docker' } & HealthTiming)
  | { readonly type: 'none' };

export interface HealthTiming {
  readonly interval: Millis;
  readonly timeout: Millis;
  readonly retries: number;
}

export type RolloutOrder = 'stop-first' | 'start-first';
export const ROLLOUT_ORDERS: readonly RolloutOrder[] = ['stop-first', 'start-first'];
export type FailureAction = 'rollback' | 'pause';
export const FAILURE_ACTIONS: readonly FailureAction[] = ['rollback', 'pause'];

export interface UpdatePolicy {
  /** Tasks updated at once (batch size). */
  readonly maxParallel: number;
  readonly order: RolloutOrder;
  /** A task must stay healthy this long before it counts as updated. */
  readonly minHealthyTime: Millis;
  /** A task that is not healthy for minHealthyTime within this long has failed. */
  readonly healthyDeadline: Millis;
  /** The whole rollout fails when no task completes for this long. */
  readonly progressDeadline: Millis;
  /** Fraction of tasks (0..1) that may fail before the failure action is taken. */
  readonly maxFailureRatio: number;
  readonly delayBetweenBatches: Millis;
  readonly failureAction: FailureAction;
  /** Replaced containers kept (stopped) per task for quick rollback. */
  readonly keepReplaced: number;
  /**
   * After the last batch passes its gate, every updated task is watched this long before the
   * rollout succeeds. Absent means no window: a jobs file that sets none (or 0) leaves it out, so a
   * spec recorded before the key existed still compares equal.
   */
  readonly monitor?: Millis;
}

export interface Resources {
  /** Memory limit in bytes. */
  readonly memory?: number;
  /** CPU limit in cores (0.5 = half a core). */
  readonly cpus?: number;
}

export type RestartPolicy = 'no' | 'on-failure' | 'always' | 'unless-stopped';

export interface TaskSpec {
  /** 0-based index within the job; stable across revisions. */
  readonly index: number;
  readonly host: string;
  readonly port: number;
}

export interface JobSpec {
  readonly name: string;
  readonly image: ImageRef;
  readonly tasks: readonly TaskSpec[];
  readonly envs: readonly EnvVar[];
  readonly mounts: readonly Mount[];
  readonly health: HealthCheck;
  readonly update: UpdatePolicy;
  readonly resources: Resources;
  readonly restart: RestartPolicy;
  /**
   * `report` when the job only records a dead task; absent means `restart` (the default), so a
   * spec recorded before the key existed compares equal. Policy only: the domain's `reconcilePolicy(spec)` reads it.
   */
  readonly reconcile?: 'report';
  /** Command override (exec form); absent = the image's CMD. */
  readonly command?: readonly string[];
}

/**
 * What a change of a job's spec needs. A `container` field is something a container is made
 * from — the image, the envs, the command, the mounts, a task's host and port, the resources, the
 * restart policy — so only a new container has it. A `policy` field is one only cj reads — the
 * update policy, the health check and what to do when a container dies (`reconcile`) — so it takes effect at once, on the containers that run.
 */
export type ChangeKind = 'container' | 'policy';
