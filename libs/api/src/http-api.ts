/**
 * The orchestrator's HTTP API, as types shared by the orchestrator (which validates requests with
 * class-validator DTOs implementing these), the CLI and the web console. Every path is under
 * `/v1/envs/{env}`; every change carries a `ChangeRequest`. Errors are RFC 7807 problem+json
 * (`ApiProblem`). Field names are stable: `cj --json` prints these shapes as they are.
 */
import type { EventSource, ForeignContainer, StoreLocation } from './recorded';
import type { HostTarget } from './host-target';
import type { ChangeKind, FailureAction, HostSpec, JobSpec, RolloutOrder } from './job-spec';
import type { RolloutPhase } from './rollout-phase';

/** Who asked for a change and why; recorded on every event it causes. */
export interface ChangeRequest {
  /** `user@hostname`. */
  readonly actor: string;
  readonly reason?: string;
  /** Client-chosen UUID; a retried request with the same id changes nothing twice. */
  readonly commandId: string;
}

/** A jobs file as sent by the CLI: the text and the name it is reported under. */
export interface SourceFile {
  readonly file: string;
  readonly text: string;
}

// POST /v1/envs/{env}/apply
export interface ApplyRequest extends ChangeRequest {
  readonly jobs: SourceFile;
  /** Companion hosts/defaults file (needed by the seed's text form, which has no hosts section). */
  readonly base?: SourceFile;
  readonly dryRun?: boolean;
}
export interface PlanEntry {
  readonly job: string;
  readonly action: 'create' | 'update' | 'remove' | 'unchanged';
  readonly changes: readonly {
    path: string;
    before?: unknown;
    after?: unknown;
    /** What the change needs: `container` replaces the job's containers, `policy` takes effect in place. */
    kind: ChangeKind;
  }[];
  /** Revision recorded (absent on a dry run or when unchanged). */
  readonly revision?: number;
  /** Rollout started for a running job whose containers change. */
  readonly rolloutId?: string;
  /**
   * An update that changes only policy: the revision takes effect at once and no container is
   * replaced (absent when some change is of the `container` kind).
   */
  readonly inPlace?: true;
}
/**
 * Why a host the jobs file dropped is kept: a container of cj's still runs there (a task's, or
 * one with cj's labels that no task accounts for), or a rollout of a job that has containers
 * there is in progress (a rollback would start them again).
 */
export type HostHold =
  | { readonly kind: 'task'; readonly job: string; readonly task: number; readonly containerId: string }
  | { readonly kind: 'unexpected'; readonly job: string; readonly task: number; readonly containerId: string }
  | { readonly kind: 'rollout'; readonly job: string; readonly rolloutId: string };

/** A host the environment declared that the jobs file no longer names, and what apply does about it. */
export interface DroppedHost {
  readonly host: string;
  /**
   * `retire`: nothing holds it; it leaves the environment (hosts list, observation, replication).
   * `keep`: something still holds it; the first apply after nothing does retires it.
   */
  readonly action: 'retire' | 'keep';
  /** What keeps it (empty when it is retired). */
  readonly holds: readonly HostHold[];
}

export interface ApplyResponse {
  readonly env: string;
  readonly dryRun: boolean;
  readonly plan: readonly PlanEntry[];
  /** Present when the file no longer names some declared hosts; on a dry run, what apply would do. */
  readonly droppedHosts?: readonly DroppedHost[];
}

// POST /v1/envs/{env}/diff   (exit: 0 no changes, 1 changes)
export interface DiffRequest {
  readonly jobs: SourceFile;
  readonly base?: SourceFile;
  readonly job?: string;
}
/** One field, three ways: the file, the recorded revision, what runs on the hosts. */
export interface DiffField {
  readonly path: string;
  /** What applying the file's value needs (absent on a per-task row and on the `job` row). */
  readonly kind?: ChangeKind;
  readonly file?: unknown;
  readonly recorded?: unknown;
  readonly running?: unknown;
}
export interface JobDiff {
  readonly job: string;
  readonly task?: number;
  readonly host?: string;
  readonly fields: readonly DiffField[];
}
export interface DiffResponse {
  readonly changed: boolean;
  readonly jobs: readonly JobDiff[];
}

// POST /v1/envs/{env}/jobs/{job}/up | /down    body: ChangeRequest
export interface TaskActionResult {
  readonly job: string;
  readonly task: number;
  readonly host: string;
  readonly containerId?: string;
  readonly action: 'started' | 'already-running' | 'stopped' | 'removed' | 'not-running';
}
export interface UpDownResponse {
  readonly tasks: readonly TaskActionResult[];
}

// GET /v1/envs/{env}/status[?job=NAME]
export interface TaskStatus {
  readonly job: string;
  readonly task: number;
  readonly host: string;
  readonly port: number;
  readonly desired: {
    readonly revision: number;
    readonly image: string;
    readonly digest?: string;
    readonly state: 'running' | 'stopped';
  };
  readonly observed?: {
    readonly containerId: string;
    readonly image: string;
    readonly digest?: string;
    /** The revision the container was made by (its label). */
    readonly revision?: number;
    /**
     * The container is what the desired revision makes for this task: made by it, or by an
     * earlier revision that differs from it only in what cj reads (a policy change lands in place,
     * so the container keeps its revision). False when the container must be replaced to match.
     */
    readonly upToDate?: boolean;
    readonly state: string;
    readonly health: 'healthy' | 'unhealthy' | 'starting' | 'unknown';
    readonly startedAt?: string;
    /** The code of the container's last exit, while it is exited. */
    readonly exitCode?: number;
    /** Times the engine restarted the container by its restart policy. */
    readonly restartCount?: number;
    /**
     * When the state and health were last known true: the later of the last event about the
     * container and the last time its host answered (what the host does not report cannot change).
     */
    readonly observedAt?: string;
    /** True when its host has not answered for a while: the state is as of `observedAt`. */
    readonly stale?: boolean;
    readonly memoryBytes?: number;
    readonly cpuPercent?: number;
    /** When memory and CPU were sampled (in the background, never on the request's path). */
    readonly statsAt?: string;
  };
}
/**
 * A running container with cj's labels that no task accounts for (run by hand, or by another cj).
 * cj leaves it running; it is listed until it stops, is removed, or its job's log comes to know it.
 */
export interface UnexpectedContainerView {
  readonly host: string;
  readonly job: string;
  readonly task: number;
  readonly revision: number;
  readonly containerId: string;
  readonly image?: string;
  /** The container's name on its host. */
  readonly name?: string;
  /** When it started, as the engine said; else when cj first saw it. */
  readonly since: string;
}
export interface StatusResponse {
  readonly env: string;
  readonly tasks: readonly TaskStatus[];
  /** Present only when there are some (with `?job=`, only that job's). */
  readonly unexpected?: readonly UnexpectedContainerView[];
  /** Hosts held since the store moved (cj acts on none of them until `cj hosts confirm`); present only when some are. */
  readonly heldHosts?: readonly string[];
  /** Hosts where another cluster's containers run; present only when some do. */
  readonly sharedHosts?: readonly SharedHostView[];
}

/** Another cluster's containers on one host of the environment. */
export interface SharedHostView {
  readonly host: string;
  readonly storeId: string;
  readonly containers: number;
}

// GET /v1/envs/{env}/jobs/{job}/update
export interface RunningContainer {
  readonly task: number;
  readonly host: string;
  readonly version: string;
  readonly created?: string;
  readonly imageId?: string;
  readonly containerId: string;
}
export interface RegistryTag {
  readonly version: string;
  readonly imageId: string;
  readonly digest: string;
  readonly created?: string;
}
export interface UpdateCandidatesResponse {
  readonly job: string;
  readonly running: readonly RunningContainer[];
  /** Newest first. */
  readonly tags: readonly RegistryTag[];
}

// POST /v1/envs/{env}/jobs/{job}/rolling-update   (also: /update with a tag; /rollback)
export interface RolloutOverrides {
  readonly maxParallel?: number;
  readonly order?: RolloutOrder;
  readonly minHealthyTime?: number;
  readonly healthyDeadline?: number;
  readonly failureAction?: FailureAction;
  /** Milliseconds every updated task is watched after the last batch, before success (0: none). */
  readonly monitor?: number;
}
export interface RollingUpdateRequest extends ChangeRequest, RolloutOverrides {
  readonly tag?: string;
}
export interface RollbackRequest extends ChangeRequest, RolloutOverrides {
  /** Revision to return to; the previous good revision by default. */
  readonly toRevision?: number;
}

export interface RolloutTaskView {
  readonly task: number;
  readonly host: string;
  readonly fromRevision?: number;
  readonly toRevision: number;
  readonly phase: string;
  readonly health?: string;
  readonly detail?: string;
  /** How long the task served nothing while it was updated (old container stopped → new one's first passing check). */
  readonly downtimeMs?: number;
}
/** One host's pull of the rollout's image, in the pull phase before the first batch. */
export interface RolloutPullView {
  readonly host: string;
  readonly state: 'waiting' | 'pulling' | 'pulled' | 'failed';
  readonly digest?: string;
  /** Bytes the host downloaded (0: it had the image). */
  readonly bytes?: number;
  readonly ms?: number;
  /** Why it failed: the engine's (the registry's) answer; or that the rollout ended (aborted) while it pulled. */
  readonly detail?: string;
}
export interface RolloutView {
  readonly id: string;
  readonly env: string;
  readonly job: string;
  readonly fromRevision?: number;
  readonly toRevision: number;
  readonly phase: RolloutPhase;
  readonly reason?: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  /** Set once the last batch passed: the updated tasks are watched until then before success. */
  readonly monitorUntil?: string;
  /** The pull phase, host by host; absent in rollouts recorded before it existed. */
  readonly pulls?: readonly RolloutPullView[];
  readonly tasks: readonly RolloutTaskView[];
}
// GET /v1/envs/{env}/rollouts, GET …/rollouts/{id}, POST …/rollouts/{id}/pause|resume|abort

// GET /v1/envs/{env}/rollouts/{id}/replay
/** One event of a rollout's stream, and the rollout as it stood once it was recorded. */
export interface RolloutReplayStep {
  /** Its revision in the rollout's stream (0 = RolloutStarted). */
  readonly step: number;
  readonly at: string;
  readonly type: string;
  readonly task?: number;
  readonly host?: string;
  /** One line, as the audit says it. */
  readonly summary: string;
  readonly view: RolloutView;
}
export interface RolloutReplay {
  readonly id: string;
  readonly steps: readonly RolloutReplayStep[];
}

// GET /v1/envs/{env}/jobs/{job}/history
export interface RevisionView {
  readonly revision: number;
  readonly image: string;
  readonly digest?: string;
  readonly changes: readonly { path: string; before?: unknown; after?: unknown }[];
  readonly actor: string;
  readonly reason?: string;
  readonly at: string;
}
/**
 * A rollout that took a job back: by itself, when a new revision failed its gates (`automatic`,
 * the revision `from` is the one rolled back), or at an operator's request (`cj rollback`).
 */
export interface RollbackView {
  readonly rolloutId: string;
  readonly kind: 'automatic' | 'requested';
  /** The revision rolled back. */
  readonly from: number;
  /** The revision the job returned to (absent when it had none before). */
  readonly to?: number;
  readonly at: string;
  readonly actor: string;
  readonly reason?: string;
}
export interface HistoryResponse {
  readonly job: string;
  readonly current?: number;
  readonly revisions: readonly RevisionView[];
  /** Newest first. */
  readonly rollbacks: readonly RollbackView[];
}

// GET /v1/envs/{env}/hosts
export interface HostView {
  readonly name: string;
  readonly endpoint: string;
  readonly address: string;
  readonly reachable: boolean;
  readonly engineVersion?: string;
  readonly containers: number;
  /** When the host last answered (a listing, an engine event, its event stream connecting). */
  readonly lastSeen?: string;
  /** Held since the store moved: cj does not act on it until `cj hosts confirm`. */
  readonly held?: boolean;
  /** Other clusters whose containers run on the host (cj neither sees nor touches them). */
  readonly sharedWith?: readonly SharedClusterView[];
}

/** Another cluster's containers on a host, as first seen. */
export interface SharedClusterView {
  readonly storeId: string;
  readonly containers: readonly ForeignContainer[];
  readonly since: string;
}

// GET /v1/store: the store's identity, where it runs, and where it ran before when this start found it moved.
export interface StoreIdentityView {
  readonly storeId: string;
  readonly createdAt: string;
  readonly location: StoreLocation;
  readonly describedLocation: string;
  readonly relocatedFrom?: StoreLocation;
  readonly describedRelocatedFrom?: string;
}

// POST /v1/envs/{env}/hosts/confirm { hosts?: string[], all?: boolean } → the hosts confirmed now.
export interface ConfirmHostsResult {
  readonly confirmed: readonly string[];
  /** Named hosts that were not held: nothing recorded for them. */
  readonly notHeld: readonly string[];
}

// GET /v1/envs/{env}/audit[?job=&host=&rollout=&actor=&type=&task=&since=&until=&after=&limit=&level=]
// In log order. With `after` or `since`, the first `limit` matching events from there; with
// neither, the newest `limit`. Response headers: `Cj-More-After: POSITION` when more matching
// events follow the last one returned (ask again with `after=POSITION`), `Cj-Earlier-Before:
// POSITION` when matching events precede the first one returned.
export const AUDIT_MORE_AFTER = 'Cj-More-After';
export const AUDIT_EARLIER_BEFORE = 'Cj-Earlier-Before';
export interface AuditEntry {
  readonly position: string;
  readonly at: string;
  readonly env: string;
  readonly stream: string;
  readonly type: string;
  readonly job?: string;
  readonly task?: number;
  readonly host?: string;
  readonly rollout?: string;
  /** `summary` (what a review needs) or `detail` (every step); the default query returns summary only. */
  readonly level: 'summary' | 'detail';
  readonly actor: string;
  readonly reason?: string;
  readonly summary: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** The event this one was copied from, when a replicate or an import recorded it. */
  readonly source?: EventSource;
}

// GET /v1/envs/{env}/audit/verify   every stream's hash chain, checked from the start
export interface LogVerification {
  readonly ok: boolean;
  readonly streams: number;
  readonly events: number;
  /** Events recorded before the log was chained (no link yet in their stream). */
  readonly unchained: number;
  /** The first problem of each broken stream, in log order. */
  readonly problems: readonly {
    readonly kind: 'altered' | 'missing-revision' | 'broken-link' | 'unchained';
    readonly stream: string;
    readonly revision: string;
    readonly position: string;
    readonly message: string;
  }[];
}

// POST /v1/admin/verify   the live read models against a replay of the whole log, at one position
export interface ReadModelVerification {
  readonly ok: boolean;
  /** The log position both were compared at, and how many events the replay folded. */
  readonly position: string;
  readonly events: number;
  /** Each table whose rows differ: how many rows only the live one has, how many only the replay makes, a few of each. */
  readonly differences: readonly {
    readonly projection: string;
    readonly table: string;
    readonly onlyLive: number;
    readonly onlyRebuilt: number;
    readonly samples: { readonly live: readonly unknown[]; readonly rebuilt: readonly unknown[] };
  }[];
}

// GET /v1/envs/{env}/jobs/{job}/why[?task=N]   the chain of events behind a task's current state
export interface WhyResponse {
  readonly job: string;
  readonly task: number;
  /** The latest event about the container the task started last; none when the task never ran. */
  readonly state?: AuditEntry;
  /** The events that led there, oldest first: the command, its rollout, checks that failed. */
  readonly chain: readonly AuditEntry[];
}

// GET /v1/envs/{env}/timeline?at=ISO[&host=]   "what ran where, and when"
export interface TimelineEntry {
  readonly host: string;
  readonly job: string;
  readonly task: number;
  readonly revision: number;
  readonly image: string;
  readonly containerId: string;
  /** The port the task listened on (host networking), from its revision's placement. */
  readonly port?: number;
  readonly from: string;
  readonly to?: string;
  /** The revision's whole spec, with `spec=true`. */
  readonly spec?: JobSpec;
}

// GET /v1/envs/{env}/jobs/{job}/logs?task=&tail=&follow=   text/plain, streamed

// POST /v1/envs/{env}/replicate   the talk's "replicable cluster": this env's jobs recorded again in another
export interface ReplicateRequest extends ChangeRequest {
  readonly targetEnv: string;
  /**
   * Source host name → target host: its name (declared in the target or the source already), or
   * `{ name, endpoint, address? }` to declare it in the target. Every host the jobs use is mapped.
   */
  readonly hosts: Readonly<Record<string, string | HostTarget>>;
  /** The source jobs as they were at this instant (ISO 8601); jobs not running or declared then are left out. */
  readonly asOf?: string;
  /** Only this job. */
  readonly job?: string;
  /** This revision of `job` instead of its current one. */
  readonly revision?: number;
  /** Plan only: record nothing. */
  readonly dryRun?: boolean;
  /** Record the revisions; start no rollout (running tasks stay on their revision). */
  readonly noDeploy?: boolean;
}
export interface ReplicatedJob {
  readonly job: string;
  readonly action: 'create' | 'update' | 'unchanged';
  /** The source revision it was made from. */
  readonly sourceRevision: number;
  /** The target's revision of it (recorded, or current when unchanged; absent on a dry run's create or update). */
  readonly revision?: number;
  /** Changed fields against the target's current revision (`image.tag`, `tasks[0].port`, …). */
  readonly changes: readonly string[];
  /** The rollout that takes the target's running tasks to the new revision. */
  readonly rolloutId?: string;
  /** Why no rollout starts though the job was created or changed. */
  readonly noRollout?: string;
}
export interface ReplicateResponse {
  readonly sourceEnv: string;
  readonly targetEnv: string;
  readonly dryRun: boolean;
  readonly asOf?: string;
  /** Hosts the replicate declared (or, on a dry run, would declare) in the target. */
  readonly hosts: readonly HostSpec[];
  readonly jobs: readonly ReplicatedJob[];
}

// GET /v1/envs/{env}/compare?with=OTHER   (cj compare: exit 0 equal, 1 different)
/** One difference: the job (and task) it is in, the field, and its value in each environment (absent: none). */
export interface EnvironmentDifference {
  readonly job: string;
  readonly task?: number;
  readonly field: string;
  readonly left?: string;
  readonly right?: string;
}
export interface CompareResponse {
  /** The environment asked about (left) and the one it is compared with (right). */
  readonly env: string;
  readonly with: string;
  readonly equal: boolean;
  /** Every difference but host names (and container ids, addresses, revision numbers), by job. */
  readonly differences: readonly EnvironmentDifference[];
}

// GET /v1/whoami   who the bearer token is, and what it may do (the web console hides what it may not)
/** viewer: reads only; operator: reads, changes, and opens shells into tasks. */
export type TokenRole = 'viewer' | 'operator';
export interface WhoAmIResponse {
  /** The token's name: recorded as the actor of what the console does under it. */
  readonly name: string;
  readonly role: TokenRole;
}

// GET /v1/envs/{env}/feed   text/event-stream: one `change` event per projected batch that changed a view
/** The views the console shows, each present only when it changed since the last message (all in the first). */
export interface ConsoleFeedChange {
  /** The log position the read models had applied when this was read. */
  readonly position: string;
  readonly status?: StatusResponse;
  readonly hosts?: readonly HostView[];
  /** Newest first, at most 20. */
  readonly rollouts?: readonly RolloutView[];
  /** Newest last, at most 50. */
  readonly audit?: readonly AuditEntry[];
}

// GET /v1/envs/{env}/export?asOf=   application/x-ndjson, streamed: the portable log (libs/domain/src/portable-log)

// POST /v1/envs/{env}/import   one step of `cj import` (see apps/cli/README.md, "The portable log")
export interface ImportRequest extends ChangeRequest {
  /**
   * `check`: read the lines and say which hosts they use, writing nothing; `events`: append them
   * (one atomic append), skipping those already recorded; `close`: record what closes the history
   * imported so far (containers not on the new hosts, rollouts that do not run here).
   */
  readonly step: 'check' | 'events' | 'close';
  /** The file's first line, as it is. */
  readonly header: string;
  /** Source host → where its part goes; every host of the file must be mapped. */
  readonly hosts: Readonly<Record<string, HostTarget>>;
  /** Event lines of the file as they are, with their line numbers (`check`, `events`). */
  readonly lines?: readonly { readonly line: number; readonly text: string }[];
}
export interface ImportResponse {
  /** Events appended now. */
  readonly recorded: number;
  /** Events already recorded (an import run again, or resumed). */
  readonly present: number;
  /** `check`: the hosts the lines use. */
  readonly hosts?: readonly string[];
}
