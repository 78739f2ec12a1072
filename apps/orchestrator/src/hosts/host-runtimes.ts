import { DockerRuntime } from '@cj/docker-adapter';
import type { ContainerRuntime, HostSpec } from '@cj/domain';

/**
 * One container runtime (one Docker client) per host endpoint, kept for the life of the process.
 * Keyed by everything that identifies the connection, so a host whose endpoint changed gets a new client.
 */
export class HostRuntimes {
  private readonly runtimes = new Map<string, ContainerRuntime>();

  for(host: HostSpec): ContainerRuntime {
    const key = JSON.stringify([host.name, host.endpoint, host.tls ?? null]);
    let runtime = this.runtimes.get(key);
    if (!runtime) {
      runtime = new DockerRuntime(host);
      this.runtimes.set(key, runtime);
    }
    return runtime;
  }
}
