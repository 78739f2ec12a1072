import type { RecordForeignContainers } from '../cluster/shared-hosts';
import type { CommandMetadata } from '../command-metadata';
import type { HostRetiredReason } from './events';
import type { RecordContainerSightings } from './unexpected-containers';
import type { HostSpec, StoreLocation } from '@cj/api';

/** One look at a host's Docker endpoint, as made by the orchestrator. */
export interface RecordHostProbe {
  readonly type: 'RecordHostProbe';
  readonly data: {
    readonly host: string;
    readonly endpoint: string;
    readonly reachable: boolean;
    readonly engineVersion?: string;
    readonly error?: string;
  };
  readonly metadata: CommandMetadata;
}

/** A jobs file names the host: record where it is when that is new or changed. */
export interface DeclareHost {
  readonly type: 'DeclareHost';
  readonly data: HostSpec;
  readonly metadata: CommandMetadata;
}

/**
 * The host leaves the environment. Whether it may is the retirement rule's answer
 * (`planHostRetirements`); the command only records it.
 */
export interface RetireHost {
  readonly type: 'RetireHost';
  readonly data: { readonly host: string; readonly reason: HostRetiredReason };
  readonly metadata: CommandMetadata;
}

/** The store moved (`StoreRelocated`): cj must not act on the host until it is confirmed. */
export interface HoldHost {
  readonly type: 'HoldHost';
  readonly data: { readonly host: string; readonly from: StoreLocation; readonly to: StoreLocation };
  readonly metadata: CommandMetadata;
}

/** Someone says a held host is this cluster's (`cj hosts confirm`). */
export interface ConfirmHost {
  readonly type: 'ConfirmHost';
  readonly data: { readonly host: string };
  readonly metadata: CommandMetadata;
}

export type HostCommand =
  | RecordHostProbe
  | DeclareHost
  | RetireHost
  | RecordContainerSightings
  | HoldHost
  | ConfirmHost
  | RecordForeignContainers;
