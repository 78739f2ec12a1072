import {
  belongsToCluster,
  type ContainerFilter,
  type ContainerInfo,
  type ContainerRuntime,
  type ContainerSpec,
  type ContainerStats,
  type EngineContainerEvent,
  type EngineEventOptions,
  type EngineInfo,
  type ExecResult,
  type ExecSession,
  type ExecSessionOptions,
  type FollowLogOptions,
  type HealthState,
  type LogLine,
  type LogOptions,
  type PulledImage,
  type RegistryCredentials,
} from '@cj/domain';
import type { ImageRef } from '@cj/api';
import { ContainerNotFound, ForeignContainerRefused, HostHeldRefused } from '../errors';

/**
 * One host's engine as one cluster sees it: every container it creates carries the cluster's
 * store id (`cj.cluster` label, and in its name), and another cluster's containers are invisible —
 * left out of listings and engine events, not found by inspect, logs or stats — and never stopped,
 * started, removed or entered. Containers without the label (made before it existed) stay visible.
 * Whatever the orchestrator does on a host goes through here, so no caller can forget the rule.
 * While the host is held (`held()`: its store moved and nobody confirmed the host yet) it creates,
 * starts, stops, removes and runs nothing (no exec either: the containers may be a live cluster's).
 */
export class ClusterRuntime implements ContainerRuntime {
  /** A container's labels never change: once seen, whose it is is known for good. */
  private readonly owners = new Map<string, string | undefined>();

  constructor(
    private readonly inner: ContainerRuntime,
    readonly storeId: string,
    private readonly held: () => boolean = () => false,
  ) {}

  get host(): string {
    return this.inner.host;
  }

  ensureImage(image: ImageRef, credentials?: RegistryCredentials): Promise<PulledImage> {
    return this.inner.ensureImage(image, credentials);
  }

  async create(spec: ContainerSpec): Promise<ContainerInfo> {
    this.refuseWhileHeld('create a container');
    return this.remember(await this.inner.create({ ...spec, cluster: this.storeId }));
  }

  async start(id: string): Promise<void> {
    this.refuseWhileHeld('start a container');
    await this.refuseForeign(id, 'start');
    return this.inner.start(id);
  }

  async stop(id: string, graceSeconds: number): Promise<void> {
    this.refuseWhileHeld('stop a container');
    await this.refuseForeign(id, 'stop');
    return this.inner.stop(id, graceSeconds);
  }

  async remove(id: string): Promise<void> {
    this.refuseWhileHeld('remove a container');
    await this.refuseForeign(id, 'remove');
    return this.inner.remove(id);
  }

  async inspect(id: string): Promise<ContainerInfo> {
    const info = this.remember(await this.inner.inspect(id));
    if (!this.owns(info)) throw new ContainerNotFound(this.host, id);
    return info;
  }

  async list(filter?: ContainerFilter): Promise<ContainerInfo[]> {
    return (await this.inner.list(filter)).map((info) => this.remember(info)).filter((info) => this.owns(info));
  }

  /** Other clusters' containers on this host (every environment), for reporting a shared host. */
  async listForeign(): Promise<ContainerInfo[]> {
    return (await this.inner.list({})).map((info) => this.remember(info)).filter((info) => !this.owns(info));
  }

  async logs(id: string, options?: LogOptions): Promise<LogLine[]> {
    await this.hideForeign(id);
    return this.inner.logs(id, options);
  }

  async *followLogs(id: string, options?: FollowLogOptions): AsyncIterable<LogLine> {
    await this.hideForeign(id);
    yield* this.inner.followLogs(id, options);
  }

  async stats(id: string): Promise<ContainerStats> {
    await this.hideForeign(id);
    return this.inner.stats(id);
  }

  async exec(id: string, command: readonly string[]): Promise<ExecResult> {
    this.refuseWhileHeld('run a command in a container');
    await this.refuseForeign(id, 'exec in');
    return this.inner.exec(id, command);
  }

  async openExec(id: string, options: ExecSessionOptions): Promise<ExecSession> {
    this.refuseWhileHeld('open a shell in a container');
    await this.refuseForeign(id, 'open a shell in');
    return this.inner.openExec(id, options);
  }

  async health(id: string): Promise<HealthState> {
    await this.hideForeign(id);
    return this.inner.health(id);
  }

  engineInfo(): Promise<EngineInfo> {
    return this.inner.engineInfo();
  }

  async *events(env: string, options?: EngineEventOptions): AsyncIterable<EngineContainerEvent> {
    for await (const event of this.inner.events(env, options)) {
      if (belongsToCluster(event, this.storeId)) yield event;
    }
  }

  private owns(info: { readonly cluster?: string }): boolean {
    return belongsToCluster(info, this.storeId);
  }

  private remember(info: ContainerInfo): ContainerInfo {
    this.owners.set(info.id, info.cluster);
    return info;
  }

  /** The other cluster's store id when the container is theirs; undefined when ours or gone. */
  private async otherCluster(id: string): Promise<string | undefined> {
    let cluster: string | undefined;
    if (this.owners.has(id)) cluster = this.owners.get(id);
    else {
      try {
        cluster = this.remember(await this.inner.inspect(id)).cluster;
      } catch (error) {
        if (error instanceof ContainerNotFound) return undefined; // the call itself says what a gone container means
        throw error;
      }
    }
    return belongsToCluster({ cluster }, this.storeId) ? undefined : cluster;
  }

  private refuseWhileHeld(operation: string): void {
    if (this.held()) throw new HostHeldRefused(this.host, operation);
  }

  private async refuseForeign(id: string, operation: string): Promise<void> {
    const other = await this.otherCluster(id);
    if (other !== undefined) throw new ForeignContainerRefused(this.host, id, other, operation);
  }

  private async hideForeign(id: string): Promise<void> {
    if ((await this.otherCluster(id)) !== undefined) throw new ContainerNotFound(this.host, id);
  }
}
