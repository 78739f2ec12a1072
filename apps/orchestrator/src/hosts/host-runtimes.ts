import { ClusterRuntime, DockerRuntime, type SshOptions } from '@cj/docker-adapter';
import type { HostSpec } from '@cj/api';

/**
 * One container runtime (one Docker client) per host endpoint, kept for the life of the process.
 * Keyed by everything that identifies the connection, so a host whose endpoint or pinned key
 * changed gets a new client. Each is seen through this cluster's eyes (`ClusterRuntime`): the
 * containers it creates carry the store's id, and another cluster's are neither seen nor touched.
 */
export class HostRuntimes {
  private readonly runtimes = new Map<string, ClusterRuntime>();

  /**
   * `ssh`: who logs in to ssh:// hosts, and the known_hosts file for hosts whose key is not pinned.
   * `engineTimeoutMs`: how long a call to an engine may go unanswered, connecting included.
   * `storeId`: this cluster's identity (the store's id), known once the orchestrator started.
   */
  constructor(
    private readonly storeId: () => string,
    private readonly ssh: SshOptions = {},
    private readonly engineTimeoutMs = 5_000,
    /** Whether the host is held (the store moved): its engine is then only read, never changed. */
    private readonly held: (host: HostSpec) => boolean = () => false,
  ) {}

  for(host: HostSpec): ClusterRuntime {
    const key = JSON.stringify([host.name, host.endpoint, host.tls ?? null, host.sshHostKey ?? null]);
    let runtime = this.runtimes.get(key);
    if (!runtime) {
      const engine = new DockerRuntime(host, {
        ssh: this.ssh,
        connectTimeoutMs: this.engineTimeoutMs,
        // An answer that starts but then stalls gets as long as the engine's first answer, and at least 30 s.
        requestTimeoutMs: Math.max(30_000, this.engineTimeoutMs),
      });
      const spec = host;
      runtime = new ClusterRuntime(engine, this.storeId(), () => this.held(spec));
      this.runtimes.set(key, runtime);
    }
    return runtime;
  }
}
