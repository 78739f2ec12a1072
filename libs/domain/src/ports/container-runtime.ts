/**
 * The container-runtime port: what cj needs from the Docker engine of one host, and how it checks
 * a task's health. Interfaces only; the implementation lives in libs/docker-adapter.
 * Times are ISO 8601 strings (UTC), as the engine reports them.
 */
import type { EnvVar, HealthCheck, ImageRef, Mount, Resources, RestartPolicy } from '@cj/api';
import type { RegistryCredentials } from './registry';

/** What cj asks of one container: one task of one job at one revision. */
export interface ContainerSpec {
  readonly env: string;
  readonly job: string;
  /** The task's index within the job. */
  readonly task: number;
  readonly revision: number;
  /** The rollout that creates this container, when one does. */
  readonly rollout?: string;
  /** Tag and, once resolved from the registry, the pinned digest (the digest wins). */
  readonly image: ImageRef;
  /** The task's port on its host (host networking); given to the process as PORT. */
  readonly port: number;
  readonly envs: readonly EnvVar[];
  readonly mounts: readonly Mount[];
  /** Command override (exec form); absent = the image's CMD. */
  readonly command?: readonly string[];
  readonly resources: Resources;
  readonly restart: RestartPolicy;
  readonly health?: HealthCheck;
  /**
   * The id of the store whose cluster creates it: labelled `cj.cluster`, and its short form is part
   * of the name, so another cluster on the same host neither touches it nor collides with it.
   */
  readonly cluster?: string;
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** Docker's HEALTHCHECK state; `none` when the image defines no HEALTHCHECK. */
export type ContainerHealth = 'none' | 'starting' | 'healthy' | 'unhealthy';

export interface ContainerInfo {
  readonly id: string;
  readonly name: string;
  readonly host: string;
  readonly env: string;
  readonly job: string;
  readonly task: number;
  readonly revision: number;
  readonly rollout?: string;
  readonly port?: number;
  /** The store id of the cluster that created it (`cj.cluster`); absent on containers made before clusters were labelled. */
  readonly cluster?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The image reference the container was created from. */
  readonly image: string;
  /** The image's id (`sha256:…`) on the host. */
  readonly imageId: string;
  readonly state: ContainerState;
  /** Set once the container has exited, and while the engine waits to restart it (the code it exited with). */
  readonly exitCode?: number;
  /**
   * Times the engine restarted the container by its restart policy since it was last started by
   * hand (a `start` resets it to 0).
   */
  readonly restartCount: number;
  readonly createdAt: string;
  /** Absent when the container never started. */
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** Set once the container has exited: whether the kernel's OOM killer ended it. */
  readonly oomKilled?: boolean;
  readonly health: ContainerHealth;
}

/** What an engine's event stream says happened to one of cj's containers. */
export type EngineEventAction = 'start' | 'die' | 'oom' | 'health_status' | 'destroy';

export interface EngineContainerEvent {
  readonly action: EngineEventAction;
  readonly containerId: string;
  readonly env: string;
  readonly job: string;
  readonly task: number;
  readonly revision: number;
  /** The container's `cj.cluster` label, when it has one. */
  readonly cluster?: string;
  /** The engine's own time of the event, ISO 8601 with nanoseconds cut to milliseconds. */
  readonly time: string;
  /** The engine's time in nanoseconds since the epoch, exact: where a reconnect resumes. */
  readonly timeNano: bigint;
  /** `die`: the exit code. */
  readonly exitCode?: number;
  /** `health_status`: Docker's HEALTHCHECK verdict. */
  readonly health?: ContainerHealth;
}

export interface EngineEventOptions {
  /** Replay from this engine time (nanoseconds since the epoch), then follow. */
  readonly since?: bigint;
  /** Ends the stream when aborted. */
  readonly signal?: AbortSignal;
  /** Called once the engine accepted the subscription, before any event. */
  readonly onConnected?: () => void;
}

/** Which of cj's containers to list; every field narrows. Stopped ones are included. */
export interface ContainerFilter {
  readonly env?: string;
  readonly job?: string;
  readonly task?: number;
  readonly revision?: number;
  readonly rollout?: string;
}

export interface PulledImage {
  readonly imageId: string;
  /** The registry digest (`sha256:…`) the image was pulled by, when the engine knows it. */
  readonly digest?: string;
  /** What this call downloaded: 0 when the host had the image; absent when the engine did not say. */
  readonly bytes?: number;
}

export interface LogLine {
  readonly stream: 'stdout' | 'stderr';
  /** One line without its newline. */
  readonly text: string;
}

export interface LogOptions {
  /** Only the last n lines; absent = all. */
  readonly tail?: number;
}

export interface FollowLogOptions extends LogOptions {
  /** Ends the stream when aborted. */
  readonly signal?: AbortSignal;
  /** Called once the engine accepted the subscription, before any event. */
  readonly onConnected?: () => void;
}

export interface ContainerStats {
  readonly memoryBytes: number;
  /** The container's memory limit, or the host's memory when it has none. */
  readonly memoryLimitBytes: number;
  /** CPU use over the engine's sampling interval, in percent of one core. */
  readonly cpuPercent: number;
  readonly readAt: string;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** An interactive process started in a running container (`docker exec -i [-t]`). */
export interface ExecSessionOptions {
  readonly command: readonly string[];
  /** A pseudo-terminal: one output stream, resizable, the process sees a terminal. */
  readonly tty: boolean;
  readonly columns?: number;
  readonly rows?: number;
  readonly onOutput: (data: Uint8Array, stream: 'stdout' | 'stderr') => void;
}
export interface ExecSession {
  write(data: Uint8Array): void;
  /** No more input: the process reads end-of-file. */
  endInput(): void;
  resize(columns: number, rows: number): Promise<void>;
  /** The process's exit code once it ended (-1 when the engine did not say). */
  readonly exitCode: Promise<number>;
  /** Leaves the session: the stream is closed, and with it the process's terminal. */
  close(): void;
}

export interface HealthState {
  readonly status: ContainerHealth;
  readonly failingStreak: number;
  /** Output of the last HEALTHCHECK run, when there is one. */
  readonly lastOutput?: string;
}

export interface EngineInfo {
  readonly host: string;
  /** The engine's own name for its machine (its hostname). */
  readonly name: string;
  readonly version: string;
  readonly apiVersion: string;
  readonly os: string;
  readonly arch: string;
}

/** The Docker engine of one host. */
export interface ContainerRuntime {
  readonly host: string;
  /** Pulls the image unless the host has it; fails with ImageNotFound when the tag does not exist. */
  ensureImage(image: ImageRef, credentials?: RegistryCredentials): Promise<PulledImage>;
  /** Creates (does not start) a container with the standard configuration. */
  create(spec: ContainerSpec): Promise<ContainerInfo>;
  start(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after graceSeconds. Stopping a stopped container is not an error. */
  stop(id: string, graceSeconds: number): Promise<void>;
  /** Removes a container (forced: a running one is killed). Removing a gone one is not an error. */
  remove(id: string): Promise<void>;
  inspect(id: string): Promise<ContainerInfo>;
  /** cj's containers on this host (by their labels), newest first. */
  list(filter?: ContainerFilter): Promise<ContainerInfo[]>;
  logs(id: string, options?: LogOptions): Promise<LogLine[]>;
  followLogs(id: string, options?: FollowLogOptions): AsyncIterable<LogLine>;
  stats(id: string): Promise<ContainerStats>;
  exec(id: string, command: readonly string[]): Promise<ExecResult>;
  openExec(id: string, options: ExecSessionOptions): Promise<ExecSession>;
  health(id: string): Promise<HealthState>;
  engineInfo(): Promise<EngineInfo>;
  /**
   * Follows the engine's event stream for cj's containers of an environment (start, die, oom,
   * health_status, destroy) until it fails or is aborted; a failure ends the iteration with an error.
   */
  events(env: string, options?: EngineEventOptions): AsyncIterable<EngineContainerEvent>;
}

/** Where a task answers: its host's address and port, and its container for exec/docker checks. */
export interface ProbeTarget {
  readonly address: string;
  readonly port: number;
  readonly container?: { readonly runtime: ContainerRuntime; readonly id: string };
}

export interface ProbeResult {
  readonly healthy: boolean;
  /** What was seen: `HTTP 200`, `connection refused`, `exit 1: …`. */
  readonly detail: string;
}

export interface HealthProbe {
  probe(check: HealthCheck, target: ProbeTarget): Promise<ProbeResult>;
}
