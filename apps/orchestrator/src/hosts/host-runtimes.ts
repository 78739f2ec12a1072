import { DockerRuntime, type SshOptions } from '@cj/docker-adapter';
import type { ContainerRuntime, HostSpec } from '@cj/domain';

/**
 * One container runtime (one Docker client) per host endpoint, kept for the life of the process.
 * Keyed by everything that identifies the connection, so a host whose endpoint or pinned key
 * changed gets a new client.
 */
export class HostRuntimes {
  private readonly runtimes = new Map<string, ContainerRuntime>();

  /**
   * `ssh`: who logs in to ssh:// hosts, and the known_hosts file for hosts whose key is not pinned.
   * `engineTimeoutMs`: how long a call to an engine may go unanswered, connecting included.
   */
  constructor(
    private readonly ssh: SshOptions = {},
    private readonly engineTimeoutMs = 5_000,
  ) {}

  for(host: HostSpec): ContainerRuntime {
    const key = JSON.stringify([host.name, host.endpoint, host.tls ?? null, host.sshHostKey ?? null]);
    let runtime = this.runtimes.get(key);
    if (!runtime) {
      runtime = new DockerRuntime(host, {
        ssh: this.ssh,
        connectTimeoutMs: this.engineTimeoutMs,
        // An answer that starts but then stalls gets as long as the engine's first answer, and at least 30 s.
        requestTimeoutMs: Math.max(30_000, this.engineTimeoutMs),
      });
      this.runtimes.set(key, runtime);
    }
    return runtime;
  }
}
