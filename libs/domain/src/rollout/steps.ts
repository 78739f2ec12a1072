/**
 * What `nextSteps` asks the runner to do: the side effect to perform and the events to record before
 * performing it (its intent, or a pure transition when there is no effect).
 */
import type { Millis } from '@cj/api';
import type { ContainerBaseline } from './container-fault';
import type { ContainerRole, RolloutEvent } from './events';
import type { TaskPlacement } from './leftovers';

export type RolloutEffect =
  /** Stop a task's container: `old` means every running container of the task this rollout did not create. */
  | {
      readonly kind: 'stop-container';
      readonly task: number;
      readonly host: string;
      readonly role: ContainerRole;
      readonly containerId?: string;
    }
  /** Pull the image of `revision` (by its digest) on `host`, unless the host has it already. */
  | { readonly kind: 'pull-image'; readonly host: string; readonly revision: number }
  /** Stop and remove a container (a failed new one, when a task is reverted). */
  | {
      readonly kind: 'remove-container';
      readonly task: number;
      readonly host: string;
      readonly role: ContainerRole;
      readonly containerId: string;
    }
  /** Create the task's container for `revision`, named `name`, unless one with that name exists. */
  | {
      readonly kind: 'create-container';
      readonly task: number;
      readonly host: string;
      readonly port: number;
      readonly role: ContainerRole;
      readonly revision: number;
      readonly name: string;
    }
  | {
      readonly kind: 'start-container';
      readonly task: number;
      readonly host: string;
      readonly role: ContainerRole;
      readonly containerId: string;
    }
  /** One health check of the gate, not before `at`; `since` is the container as it was started. */
  | {
      readonly kind: 'probe-health';
      readonly task: number;
      readonly host: string;
      readonly port: number;
      readonly containerId: string;
      readonly since: ContainerBaseline;
      readonly at: Millis;
    }
  /** Check that an updated task's container still runs as it was started, at the boundary after `batch`. */
  | {
      readonly kind: 'check-container';
      readonly task: number;
      readonly host: string;
      readonly containerId: string;
      readonly since: ContainerBaseline;
      readonly batch: number;
    }
  /** Remove the task's stopped containers beyond the newest `keep`, never `current`. */
  | {
      readonly kind: 'remove-replaced';
      readonly task: number;
      readonly host: string;
      readonly keep: number;
      readonly current?: string;
    }
  /**
   * Stop and remove the job's containers on every host of the environment that `placement` has
   * no place for (see `isLeftover`); a host that does not answer is reported, not retried.
   */
  | { readonly kind: 'remove-leftovers'; readonly placement: readonly TaskPlacement[] }
  /** Nothing to do before `until` (the delay between batches). */
  | { readonly kind: 'wait'; readonly until: Millis }
  /** Record the events; there is no side effect. */
  | { readonly kind: 'record' };

export interface RolloutStep {
  /** `task:<n>`, `pull:<host>` or `rollout`: a runner performs at most one step per key at a time. */
  readonly key: string;
  /** Recorded (in this order, in one append) before the effect is performed. */
  readonly events: readonly RolloutEvent[];
  readonly effect: RolloutEffect;
  /**
   * True when the intent was recorded earlier and its outcome was not: the step is in flight, or a
   * runner crashed while performing it. A runner that is not performing it reconciles: it checks
   * the hosts (containers are labelled and named) and performs only what is still missing.
   */
  readonly reconcile: boolean;
}

export interface WorkflowInput {
  readonly now: Millis;
}
