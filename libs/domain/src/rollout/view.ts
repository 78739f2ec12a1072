/** The API's view of a rollout (`GET …/rollouts/{id}`), from its folded state. */
import type { RollbackView, RolloutPhase, RolloutPullView, RolloutTaskView, RolloutView } from '@cj/api';
import { pullHosts, pullPhaseOpen, unansweredDetail } from './workflow';
import type { ActiveRollout, TaskState } from './state';

const PHASES: Record<ActiveRollout['status'], RolloutPhase> = {
  running: 'running',
  paused: 'paused',
  'rolling-back': 'rolling-back',
  aborting: 'aborting',
  succeeded: 'succeeded',
  'rolled-back': 'rolled-back',
  failed: 'failed',
  aborted: 'aborted',
};

const iso = (at: number): string => new Date(at).toISOString();

/** The monitor window while the rollout waits on it to succeed. */
const openWindow = (s: ActiveRollout) =>
  s.status === 'running' && s.batchesCompleted < s.batches.length ? s.monitor : undefined;

function taskView(s: ActiveRollout, t: TaskState): RolloutTaskView {
  const window = openWindow(s);
  const watched = window && t.phase === 'updated';
  return {
    task: t.task,
    host: t.host,
    fromRevision: s.fromRevision,
    toRevision: s.toRevision,
    phase: t.phase,
    health: t.gate?.lastDetail ?? (watched ? t.watch?.lastDetail : undefined),
    // While the engine does not answer, that is the news; then why the task failed, if it did.
    detail:
      (t.unanswered && unansweredDetail(t.unanswered)) ??
      t.failReason ??
      (watched ? `monitored until ${iso(window.until)}` : undefined),
    ...(t.downtimeMs !== undefined && { downtimeMs: t.downtimeMs }),
  };
}

/** Every host of the pull phase, once it has begun (or while it is open); undefined for older rollouts. */
function pullViews(s: ActiveRollout): RolloutPullView[] | undefined {
  if (Object.keys(s.pulls).length === 0 && !pullPhaseOpen(s)) return undefined;
  return pullHosts(s).map((host): RolloutPullView => {
    const pull = s.pulls[host];
    if (pull === undefined) return { host, state: 'waiting' };
    // An abort does not wait for a pull: once the rollout ended, one in flight is never heard of again.
    if (pull.state === 'pulling')
      return { host, state: 'pulling', ...(s.endedAt !== undefined && { detail: 'not awaited: the rollout ended' }) };
    if (pull.state === 'failed') return { host, state: 'failed', detail: pull.reason };
    return {
      host,
      state: 'pulled',
      digest: pull.digest,
      ...(pull.bytes !== undefined && { bytes: pull.bytes }),
      ms: pull.ms,
    };
  });
}

export function toRolloutView(s: ActiveRollout): RolloutView {
  const pulls = pullViews(s);
  return {
    id: s.id,
    env: s.env,
    job: s.job,
    fromRevision: s.fromRevision,
    toRevision: s.toRevision,
    phase: PHASES[s.status],
    reason: s.reason,
    startedAt: iso(s.startedAt),
    endedAt: s.endedAt === undefined ? undefined : iso(s.endedAt),
    monitorUntil: s.monitor && iso(s.monitor.until),
    ...(pulls && { pulls }),
    tasks: s.tasks.map((t) => taskView(s, t)),
  };
}

/**
 * The rollback a finished rollout made, if it made one: it rolled its new revision back by itself
 * (`automatic`), or it was `cj rollback` taking the job to an earlier revision (`requested`, once
 * it succeeded). Who and why come from the command that started it.
 */
export function toRollbackView(
  s: ActiveRollout,
  by: { readonly actor: string; readonly reason?: string },
): RollbackView | undefined {
  const at = iso(s.endedAt ?? s.startedAt);
  if (s.status === 'rolled-back') {
    return {
      rolloutId: s.id,
      kind: 'automatic',
      from: s.toRevision,
      ...(s.fromRevision !== undefined && { to: s.fromRevision }),
      at,
      actor: by.actor,
      ...(s.reason !== undefined && { reason: s.reason }),
    };
  }
  if (s.rollbackOf && s.status === 'succeeded' && s.fromRevision !== undefined) {
    return {
      rolloutId: s.id,
      kind: 'requested',
      from: s.fromRevision,
      to: s.toRevision,
      at,
      actor: by.actor,
      ...(by.reason !== undefined && { reason: by.reason }),
    };
  }
  return undefined;
}
