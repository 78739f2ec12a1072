import type { ReconcilePolicy } from './model';
import type { HealthCheck, HealthTiming, RestartPolicy, UpdatePolicy } from '@cj/api';

/** The environment a jobs file describes when it does not name one. */
export const DEFAULT_ENVIRONMENT = 'default';

export const DEFAULT_UPDATE_POLICY: UpdatePolicy = {
  maxParallel: 1,
  // A task's port is fixed on its host (host networking), so the old container must stop first.
  order: 'stop-first',
  minHealthyTime: 1_000,
  healthyDeadline: 30_000,
  progressDeadline: 120_000,
  maxFailureRatio: 0,
  delayBetweenBatches: 0,
  failureAction: 'rollback',
  keepReplaced: 2,
};

export const DEFAULT_HEALTH_TIMING: HealthTiming = { interval: 1_000, timeout: 1_000, retries: 3 };

/** Every job has a port, so "does it accept connections there" is a check that always applies. */
export const DEFAULT_HEALTH: HealthCheck = { type: 'tcp', ...DEFAULT_HEALTH_TIMING };

export const DEFAULT_HTTP_STATUS = 200;

/** Survives daemon restarts, yet stays down when cj (or a person) stops it. */
export const DEFAULT_RESTART: RestartPolicy = 'unless-stopped';

/** A task meant to run whose container exited or vanished is started again (with backoff). */
export const DEFAULT_RECONCILE: ReconcilePolicy = 'restart';
