import type { ContainerRuntime } from '@cj/domain';
import type { HostSpec } from '@cj/api';
import { UnknownRolloutHost, type RolloutHost, type RolloutHosts } from './rollout-ports';

/** The hosts of each environment, with one container runtime per host. */
export class EnvironmentHosts implements RolloutHosts {
  constructor(
    private readonly hostsOf: (env: string) => readonly HostSpec[],
    private readonly runtimeFor: (host: HostSpec) => ContainerRuntime,
  ) {}

  host(env: string, name: string): RolloutHost {
    const spec = this.hostsOf(env).find((h) => h.name === name);
    if (!spec) throw new UnknownRolloutHost(env, name);
    return { runtime: this.runtimeFor(spec), address: spec.address };
  }

  names(env: string): readonly string[] {
    return this.hostsOf(env).map((h) => h.name);
  }
}
