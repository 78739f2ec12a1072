import { DomainError } from '../errors';

/**
 * A command would act on hosts that are held since the store moved (`HostHeld`): they may be a
 * live cluster's machines that this copy of the log only remembers. Nothing is recorded.
 */
export class HostsHeldError extends DomainError {
  readonly code = 'hosts-held';
  override readonly name = 'HostsHeldError';
  readonly hint: string;

  constructor(
    readonly env: string,
    readonly hosts: readonly string[],
  ) {
    super(
      `host${hosts.length === 1 ? '' : 's'} ${hosts.join(', ')} of environment ${env} ${hosts.length === 1 ? 'is' : 'are'} held: ` +
        "this store was started somewhere else than where it last ran (a copy or a restore), and cj does not act on its hosts until they are confirmed as this cluster's",
    );
    this.hint = `once you know these hosts are this cluster's, run cj hosts confirm ${hosts.join(' ')} (or --all); else re-map them by importing the environment with --map-host`;
  }
}

/** Refuses when any of `hosts` is held; the message names every held one, in order. */
export function refuseHeldHosts(env: string, hosts: Iterable<string>, held: ReadonlySet<string>): void {
  const named = [...new Set(hosts)].filter((host) => held.has(host)).sort();
  if (named.length > 0) throw new HostsHeldError(env, named);
}
