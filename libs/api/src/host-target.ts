import { defaultHostAddress, isDockerEndpoint } from './docker-endpoint';

/**
 * Where a source host's tasks go when an environment is copied (`replicate`, `import`): a host by
 * name, declared at `endpoint` (and `address`) when the command gives one.
 */
export interface HostTarget {
  readonly name: string;
  readonly endpoint?: string;
  /** Where the host's tasks answer (health checks); defaults from the endpoint as in the jobs file. */
  readonly address?: string;
}

/** The address a target host declared at `endpoint` answers on: the one given, else as the jobs file defaults it. */
export function targetHostAddress(target: HostTarget & { readonly endpoint: string }): string {
  return target.address ?? (defaultHostAddress(target.endpoint) as string);
}

/** Why a target's endpoint cannot be used, or undefined when it is a Docker endpoint (or none is given). */
export function badTargetEndpoint(
  from: string,
  target: HostTarget,
): { readonly message: string; readonly hint: string } | undefined {
  if (target.endpoint === undefined || isDockerEndpoint(target.endpoint)) return undefined;
  return {
    message: `endpoint ${target.endpoint} of host ${target.name} (for ${from}) is not a Docker endpoint`,
    hint: 'write it as unix:///path, tcp://host:port or ssh://[user@]host[:port]',
  };
}
