import type {
  ContainerFilter,
  ContainerInfo,
  ContainerRuntime,
  ContainerSpec,
  ContainerStats,
  EngineContainerEvent,
  EngineEventOptions,
  EngineInfo,
  ExecResult,
  ExecSession,
  ExecSessionOptions,
  FollowLogOptions,
  HealthState,
  LogLine,
  LogOptions,
  PulledImage,
  RegistryCredentials,
} from '@cj/domain';
import { isLive } from '@cj/domain';
import Docker from 'dockerode';
import type { Duplex, Readable } from 'node:stream';
import { ContainerNotFound, ContainerRuntimeError, ImageNotFound, PortInUse } from '../errors';
import { toContainerInfo } from './container-info';
import { dockerOptionsFor, type SshOptions } from './endpoint';
import { engineMessage, statusOf, translate } from './engine-errors';
import { engineSince, parseEngineEvent, WATCHED_ACTIONS } from './engine-events';
import { LABEL } from './labels';
import { LogFrameParser, parseLogFrames } from './log-frames';
import { createOptions, imageReference, STANDARD_CONFIG_DEFAULTS, type StandardConfigOptions } from './standard-config';
import type { HostSpec, ImageRef } from '@cj/api';

export interface DockerRuntimeOptions {
  readonly standardConfig?: Partial<StandardConfigOptions>;
  /** A request that sends nothing back for this long fails (ms). Streams have no such limit. */
  readonly requestTimeoutMs?: number;
  /**
   * Connecting to the engine and its first answer to a call may take this long (ms); a call that
   * outlives it fails with a HostUnreachable whose outcome is unknown. A stop waits its grace
   * period longer; a stream (pull, logs, exec) has no limit once the engine answered.
   */
  readonly connectTimeoutMs?: number;
  readonly ssh?: SshOptions;
}

type StatsSample = Docker.ContainerStats & { memory_stats: { stats?: Record<string, number> } };

/** The Docker engine of one host, over dockerode. One instance (and one client) per host. */
export class DockerRuntime implements ContainerRuntime {
  readonly host: string;
  private readonly endpoint: string;
  /** For calls that answer at once. */
  private readonly api: Docker;
  /** For calls that may take long or stream: pulls, logs, exec. */
  private readonly streams: Docker;
  /** What a client of this host is made of, for a stop that must wait out its grace period. */
  private readonly base: Docker.DockerOptions;
  private readonly connectTimeoutMs: number;
  /** How long a call of the `api` client may wait for its answer. */
  private readonly answerTimeoutMs: number;
  private readonly standard: StandardConfigOptions;
  /** Standard host files this host turned out not to have (the engine said so at create). */
  private readonly missingHostFiles = new Set<string>();

  constructor(host: HostSpec, options: DockerRuntimeOptions = {}) {
    this.host = host.name;
    this.endpoint = host.endpoint;
    const connectionTimeout = options.connectTimeoutMs ?? 5_000;
    const base = dockerOptionsFor(host, options.ssh, connectionTimeout) as Docker.DockerOptions;
    this.base = base;
    this.connectTimeoutMs = connectionTimeout;
    const requestTimeout = options.requestTimeoutMs ?? 30_000;
    this.answerTimeoutMs = Math.min(connectionTimeout, requestTimeout);
    this.api = new Docker({ ...base, timeout: requestTimeout, connectionTimeout } as Docker.DockerOptions);
    this.streams = new Docker({ ...base, connectionTimeout } as Docker.DockerOptions);
    this.standard = { ...STANDARD_CONFIG_DEFAULTS, ...options.standardConfig };
  }

  async ensureImage(image: ImageRef, credentials?: RegistryCredentials): Promise<PulledImage> {
    const ref = imageReference(image);
    const local = await this.localImage(ref);
    // A digest names immutable content and an image without a registry cannot be pulled anyway;
    // a tag from a registry may have moved, so it is pulled again (cheap when unchanged).
    if (local && (image.digest || !image.registry)) return { ...local, bytes: 0 };
    const authconfig = credentials && {
      username: credentials.username,
      password: credentials.password,
      serveraddress: image.registry,
    };
    // Each layer the engine downloads reports its size while it downloads; layers it has report none.
    const layers = new Map<string, number>();
    const onProgress = (event: { id?: string; status?: string; progressDetail?: { total?: number } }) => {
      if (event.id && event.status === 'Downloading' && typeof event.progressDetail?.total === 'number')
        layers.set(event.id, event.progressDetail.total);
    };
    try {
      const progress = (await this.streams.pull(ref, authconfig ? { authconfig } : {})) as Readable;
      await new Promise<void>((resolve, reject) =>
        this.streams.modem.followProgress(
          progress,
          (error: Error | null) => (error ? reject(error) : resolve()),
          onProgress,
        ),
      );
    } catch (error) {
      const reason = engineMessage(error);
      if (
        statusOf(error) === 404 ||
        /not found|manifest unknown|unauthorized|denied|does not exist|no basic auth credentials|authentication required/i.test(
          reason,
        )
      ) {
        throw new ImageNotFound(this.host, ref, reason, { cause: error });
      }
      throw this.fail(error, `pull ${ref}`);
    }
    const pulled = await this.localImage(ref);
    if (!pulled) throw new ImageNotFound(this.host, ref, 'the pull finished but the engine does not list the image');
    return { ...pulled, bytes: [...layers.values()].reduce((sum, n) => sum + n, 0) };
  }

  async create(spec: ContainerSpec): Promise<ContainerInfo> {
    for (;;) {
      const hostFiles = this.standard.hostFiles.filter((f) => !this.missingHostFiles.has(f));
      const began = Date.now();
      try {
        const container = await this.api.createContainer(createOptions(spec, this.standard, hostFiles));
        return this.inspect(container.id);
      } catch (error) {
        // Only the engine knows which standard host files its machine has: drop one it lacks, retry.
        const missing = /bind source path does not exist: (\S+)/.exec(engineMessage(error))?.[1];
        if (missing && hostFiles.includes(missing)) {
          this.missingHostFiles.add(missing);
          continue;
        }
        if (statusOf(error) === 404) {
          throw new ImageNotFound(
            this.host,
            imageReference(spec.image),
            `${engineMessage(error)}; pull it first (ensureImage)`,
            { cause: error },
          );
        }
        throw this.fail(error, `create ${spec.job} task ${spec.task}`, undefined, this.answer(began));
      }
    }
  }

  async start(id: string): Promise<void> {
    const container = await this.inspect(id);
    if (container.port !== undefined) {
      // Host networking: two tasks on one port cannot both run. Checked before start, against cj's
      // live containers on this host; another process on the port shows in the container's logs.
      const holders = await this.list({});
      const holder = holders.find((c) => c.id !== id && c.port === container.port && isLive(c.state));
      if (holder)
        throw new PortInUse(this.host, container.port, `container ${holder.name} (${holder.id.slice(0, 12)})`);
    }
    const began = Date.now();
    try {
      await this.api.getContainer(id).start();
    } catch (error) {
      if (statusOf(error) === 304) return;
      throw this.fail(error, `start container ${id}`, id, this.answer(began));
    }
  }

  async stop(id: string, graceSeconds: number): Promise<void> {
    const began = Date.now();
    // The engine answers a stop only once the container is down, and dockerode's connection
    // timeout runs until that answer: it must outlast the grace period.
    const limitMs = this.connectTimeoutMs + graceSeconds * 1000;
    try {
      const client = new Docker({ ...this.base, connectionTimeout: limitMs } as Docker.DockerOptions);
      await client.getContainer(id).stop({ t: graceSeconds });
    } catch (error) {
      if (statusOf(error) === 304) return;
      throw this.fail(error, `stop container ${id}`, id, { began, limitMs });
    }
  }

  async remove(id: string): Promise<void> {
    const began = Date.now();
    try {
      await this.streams.getContainer(id).remove({ force: true, v: true });
    } catch (error) {
      if (statusOf(error) === 404) return;
      // 409 "removal already in progress": the container is going anyway.
      if (statusOf(error) === 409 && /already in progress/i.test(engineMessage(error))) return;
      throw this.fail(error, `remove container ${id}`, id, { began, limitMs: this.connectTimeoutMs });
    }
  }

  async inspect(id: string): Promise<ContainerInfo> {
    const began = Date.now();
    try {
      return toContainerInfo(this.host, await this.api.getContainer(id).inspect());
    } catch (error) {
      throw this.fail(error, `inspect container ${id}`, id, this.answer(began));
    }
  }

  async list(filter: ContainerFilter = {}): Promise<ContainerInfo[]> {
    const labels = [LABEL.env + (filter.env !== undefined ? `=${filter.env}` : '')];
    if (filter.job !== undefined) labels.push(`${LABEL.job}=${filter.job}`);
    if (filter.task !== undefined) labels.push(`${LABEL.task}=${filter.task}`);
    if (filter.revision !== undefined) labels.push(`${LABEL.revision}=${filter.revision}`);
    if (filter.rollout !== undefined) labels.push(`${LABEL.rollout}=${filter.rollout}`);
    let summaries: Docker.ContainerInfo[];
    const began = Date.now();
    try {
      summaries = await this.api.listContainers({ all: true, filters: { label: labels } });
    } catch (error) {
      throw this.fail(error, 'list containers', undefined, this.answer(began));
    }
    const infos = await Promise.all(
      summaries.map((s) =>
        this.inspect(s.Id).catch((error: unknown) => {
          if (error instanceof ContainerNotFound) return undefined; // removed since the listing
          throw error;
        }),
      ),
    );
    return infos
      .filter((c): c is ContainerInfo => c !== undefined)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async logs(id: string, options: LogOptions = {}): Promise<LogLine[]> {
    try {
      const buffer = await this.streams
        .getContainer(id)
        .logs({ stdout: true, stderr: true, follow: false, ...tail(options) });
      return parseLogFrames(buffer);
    } catch (error) {
      throw this.fail(error, `read the logs of container ${id}`, id);
    }
  }

  async *followLogs(id: string, options: FollowLogOptions = {}): AsyncIterable<LogLine> {
    let stream: Readable;
    try {
      stream = (await this.streams.getContainer(id).logs({
        stdout: true,
        stderr: true,
        follow: true,
        ...tail(options),
        ...(options.signal ? { abortSignal: options.signal } : {}),
      })) as unknown as Readable;
    } catch (error) {
      throw this.fail(error, `follow the logs of container ${id}`, id);
    }
    const stopOnAbort = () => stream.destroy();
    options.signal?.addEventListener('abort', stopOnAbort, { once: true });
    const parser = new LogFrameParser();
    try {
      for await (const chunk of stream) yield* parser.push(chunk as Buffer);
      yield* parser.end();
    } catch (error) {
      if (!options.signal?.aborted) throw this.fail(error, `follow the logs of container ${id}`, id);
    } finally {
      options.signal?.removeEventListener('abort', stopOnAbort);
      stream.destroy();
    }
  }

  async stats(id: string): Promise<ContainerStats> {
    let sample: StatsSample;
    try {
      sample = (await this.streams.getContainer(id).stats({ stream: false })) as StatsSample;
    } catch (error) {
      throw this.fail(error, `read the stats of container ${id}`, id);
    }
    const memory = sample.memory_stats;
    // The page cache is reclaimable and not what a service uses: cgroup v1 `cache`, v2 `inactive_file`.
    const cache = memory.stats?.['inactive_file'] ?? memory.stats?.['cache'] ?? 0;
    const cpuDelta = sample.cpu_stats.cpu_usage.total_usage - (sample.precpu_stats.cpu_usage?.total_usage ?? 0);
    const systemDelta = (sample.cpu_stats.system_cpu_usage ?? 0) - (sample.precpu_stats.system_cpu_usage ?? 0);
    const cpus = sample.cpu_stats.online_cpus || sample.cpu_stats.cpu_usage.percpu_usage?.length || 1;
    return {
      memoryBytes: Math.max(0, (memory.usage ?? 0) - cache),
      memoryLimitBytes: memory.limit ?? 0,
      cpuPercent: systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0,
      readAt: sample.read,
    };
  }

  async exec(id: string, command: readonly string[]): Promise<ExecResult> {
    try {
      const exec = await this.streams
        .getContainer(id)
        .exec({ Cmd: [...command], AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
      const parser = new ExecFrames(out);
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (chunk: Buffer) => parser.push(chunk));
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
      const { ExitCode } = await exec.inspect();
      return {
        exitCode: ExitCode ?? -1,
        stdout: Buffer.concat(out.stdout).toString('utf8'),
        stderr: Buffer.concat(out.stderr).toString('utf8'),
      };
    } catch (error) {
      throw this.fail(error, `exec ${command.join(' ')} in container ${id}`, id);
    }
  }

  async openExec(id: string, options: ExecSessionOptions): Promise<ExecSession> {
    const what = `exec ${options.command.join(' ')} in container ${id}`;
    try {
      const exec = await this.streams.getContainer(id).exec({
        Cmd: [...options.command],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: options.tty,
        ...(options.tty && options.columns && options.rows && { ConsoleSize: [options.rows, options.columns] }),
      } as Docker.ExecCreateOptions);
      const stream = (await exec.start({ hijack: true, stdin: true, Tty: options.tty })) as Duplex;
      const frames = new ExecFrames({ stdout: [], stderr: [] }, options.onOutput);
      stream.on('data', (chunk: Buffer) => (options.tty ? options.onOutput(chunk, 'stdout') : frames.push(chunk)));
      const ended = new Promise<void>((resolve) => {
        stream.once('end', resolve);
        stream.once('close', resolve);
        stream.once('error', () => resolve());
      });
      const exitCode = ended.then(async () => {
        try {
          return (await exec.inspect()).ExitCode ?? -1;
        } catch {
          return -1;
        }
      });
      return {
        write: (data) => {
          if (!stream.destroyed) stream.write(data);
        },
        // A hijacked stream is a socket: ending our half tells the process its input is over.
        endInput: () => stream.end(),
        resize: async (columns, rows) => {
          if (options.tty) await exec.resize({ w: columns, h: rows });
        },
        exitCode,
        close: () => stream.destroy(),
      };
    } catch (error) {
      throw this.fail(error, what, id);
    }
  }

  async health(id: string): Promise<HealthState> {
    let data: Docker.ContainerInspectInfo;
    const began = Date.now();
    try {
      data = await this.api.getContainer(id).inspect();
    } catch (error) {
      throw this.fail(error, `inspect container ${id}`, id, this.answer(began));
    }
    const health = (data.State as { Health?: { Status: string; FailingStreak: number; Log?: { Output: string }[] } })
      .Health;
    if (!health) return { status: 'none', failingStreak: 0 };
    const last = health.Log?.[health.Log.length - 1];
    return {
      status: health.Status as HealthState['status'],
      failingStreak: health.FailingStreak,
      ...(last ? { lastOutput: last.Output.trim() } : {}),
    };
  }

  async engineInfo(): Promise<EngineInfo> {
    const began = Date.now();
    try {
      const [version, info] = await Promise.all([this.api.version(), this.api.info() as Promise<{ Name: string }>]);
      return {
        host: this.host,
        name: info.Name,
        version: version.Version,
        apiVersion: version.ApiVersion,
        os: version.Os,
        arch: version.Arch,
      };
    } catch (error) {
      throw this.fail(error, 'report its version', undefined, this.answer(began));
    }
  }

  async *events(env: string, options: EngineEventOptions = {}): AsyncIterable<EngineContainerEvent> {
    let stream: Readable;
    try {
      stream = (await this.streams.getEvents({
        filters: { type: ['container'], label: [`${LABEL.env}=${env}`], event: [...WATCHED_ACTIONS] },
        ...(options.since !== undefined && { since: engineSince(options.since) }),
        ...(options.signal && { abortSignal: options.signal }),
      } as Docker.GetEventsOptions)) as unknown as Readable;
    } catch (error) {
      throw this.fail(error, 'follow its events');
    }
    options.onConnected?.();
    const stopOnAbort = () => stream.destroy();
    options.signal?.addEventListener('abort', stopOnAbort, { once: true });
    let pending = '';
    try {
      for await (const chunk of stream) {
        pending += (chunk as Buffer).toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const event = line.trim() ? parseEngineEvent(line) : undefined;
          if (event) yield event;
        }
      }
    } catch (error) {
      if (!options.signal?.aborted) throw this.fail(error, 'follow its events');
    } finally {
      options.signal?.removeEventListener('abort', stopOnAbort);
      stream.destroy();
    }
    // The engine closed the stream (it is stopping): the caller reconnects as after a failure.
    if (!options.signal?.aborted) throw this.fail(new Error('the event stream ended'), 'follow its events');
  }

  private async localImage(ref: string): Promise<PulledImage | undefined> {
    const began = Date.now();
    try {
      const image = await this.api.getImage(ref).inspect();
      const digest = image.RepoDigests?.map((d) => d.split('@')[1]).find(Boolean);
      return { imageId: image.Id, ...(digest ? { digest } : {}) };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.fail(error, `inspect image ${ref}`, undefined, this.answer(began));
    }
  }

  /** A call of the `api` client that began at `began`. */
  private answer(began: number): { began: number; limitMs: number } {
    return { began, limitMs: this.answerTimeoutMs };
  }

  private fail(
    error: unknown,
    operation: string,
    container?: string,
    call?: { began: number; limitMs: number },
  ): Error {
    // Already typed by a call made inside this one.
    if (error instanceof ContainerRuntimeError) return error;
    return translate(error, {
      host: this.host,
      endpoint: this.endpoint,
      operation,
      container,
      ...(call && { call: { elapsedMs: Date.now() - call.began, limitMs: call.limitMs } }),
    });
  }
}

function tail(options: LogOptions): { tail?: number } {
  return options.tail === undefined ? {} : { tail: options.tail };
}

/** Exec output is multiplexed like logs, but kept as bytes per stream (no line splitting). */
class ExecFrames {
  private pending: Buffer = Buffer.alloc(0);
  constructor(
    private readonly out: { stdout: Buffer[]; stderr: Buffer[] },
    private readonly onFrame?: (data: Buffer, stream: 'stdout' | 'stderr') => void,
  ) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) return;
      const frame = this.pending.subarray(8, 8 + size);
      if (this.onFrame) this.onFrame(frame, this.pending[0] === 2 ? 'stderr' : 'stdout');
      else (this.pending[0] === 2 ? this.out.stderr : this.out.stdout).push(frame);
      this.pending = this.pending.subarray(8 + size);
    }
  }
}
