import { evolveShared, type SharedClusters } from '../cluster/shared-hosts';
import { unreachable } from '../unreachable';
import type { HostEvent } from './events';
import { evolveReported, type ReportedContainers } from './unexpected-containers';
import type { HostSpec } from '@cj/api';

export interface HostState {
  /** Where the host is, as last declared; absent before the first declaration and once retired. */
  readonly declared?: HostSpec;
  /** Unknown until the first probe is recorded. */
  readonly reachable?: boolean;
  /** Unexpected containers reported and not yet gone; absent until the first is. */
  readonly unexpected?: ReportedContainers;
  /** Held since the store moved, until confirmed: cj does not act on it. */
  readonly held?: boolean;
  /** Other clusters whose containers were seen on the host and are not gone yet. */
  readonly shared?: SharedClusters;
}

export function initialHostState(): HostState {
  return {};
}

export function evolveHost(state: HostState, event: HostEvent): HostState {
  switch (event.type) {
    case 'HostDeclared': {
      const { host, endpoint, address, tls, sshHostKey } = event.data;
      return {
        ...state,
        declared: {
          name: host,
          endpoint,
          address,
          ...(tls && { tls }),
          ...(sshHostKey !== undefined && { sshHostKey }),
        },
      };
    }
    case 'HostRetired':
      // Forgotten: if a later file names it again, it is declared, probed and looked at anew.
      return initialHostState();
    case 'HostReachable':
      return { ...state, reachable: true };
    case 'HostUnreachable':
      return { ...state, reachable: false };
    case 'UnexpectedContainerFound':
    case 'UnexpectedContainerGone':
      return { ...state, unexpected: evolveReported(state.unexpected ?? {}, event) };
    case 'HostHeld':
      return { ...state, held: true };
    case 'HostConfirmed':
      return { ...state, held: false };
    case 'HostSharedWithCluster':
    case 'HostNoLongerShared':
      return { ...state, shared: evolveShared(state.shared ?? {}, event) };
    default:
      return unreachable(event);
  }
}
