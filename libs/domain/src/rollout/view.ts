/** The API's view of a rollout (`GET …/rollouts/{id}`), from its folded state. */
import type { RolloutPhase, RolloutTaskView, RolloutView } from '../api';
import type { ActiveRollout, TaskState } from './state';

const PHASES: Record<ActiveRollout['status'], RolloutPhase> = {
  running: 'running',
  paused: 'paused',
  'rolling-back': 'rolling-back',
  aborting: 'running',
  succeeded: 'succeeded',
  'rolled-back': 'rolled-back',
  failed: 'failed',
  aborted: 'aborted',
};

function taskView(s: ActiveRollout, t: TaskState): RolloutTaskView {
  const gate = t.gate;
  return {
    task: t.task,
    host: t.host,
    fromRevision: s.fromRevision,
    toRevision: s.toRevision,
    phase: t.phase,
    health: gate?.lastDetail,
    detail: t.failReason,
  };
}

export function toRolloutView(s: ActiveRollout): RolloutView {
  return {
    id: s.id,
    env: s.env,
    job: s.job,
    fromRevision: s.fromRevision,
    toRevision: s.toRevision,
    phase: PHASES[s.status],
    reason: s.reason,
    startedAt: new Date(s.startedAt).toISOString(),
    endedAt: s.endedAt === undefined ? undefined : new Date(s.endedAt).toISOString(),
    tasks: s.tasks.map((t) => taskView(s, t)),
  };
}
