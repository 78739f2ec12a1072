import type { RolloutPullView, RolloutTaskView, RolloutView } from '@cj/api';
import { bytes, revision, seconds, time, NONE } from './format';
import type { Colors, Output } from './output';
import { table } from './table';

export function phaseColor(phase: string, c: Colors): string {
  switch (phase) {
    case 'succeeded':
    case 'healthy':
    case 'updated':
    case 'pulled':
      return c.green(phase);
    case 'rolled-back':
    case 'failed':
    case 'aborted':
    case 'unhealthy':
      return c.red(phase);
    case 'paused':
    case 'rolling-back':
    case 'aborting':
      return c.yellow(phase);
    default:
      return phase;
  }
}

export function rolloutHeadline(view: RolloutView, c: Colors): string {
  return `rollout ${view.id}  ${view.job}  ${revision(view.fromRevision)} → ${revision(view.toRevision)}  ${phaseColor(view.phase, c)}`;
}

export function taskLine(task: RolloutTaskView, c: Colors): string {
  const health = task.health ? ` ${phaseColor(task.health, c)}` : '';
  const down = task.downtimeMs !== undefined ? `  down ${seconds(task.downtimeMs)}` : '';
  const detail = task.detail ? `  ${c.dim(task.detail)}` : '';
  return `task ${task.task} on ${task.host}: ${revision(task.fromRevision)} → ${revision(task.toRevision)} ${phaseColor(task.phase, c)}${health}${down}${detail}`;
}

/** What one host's pull of the pull phase says: `pulled 200.0MiB in 2.1s`, `pulling`, `failed  <answer>`. */
export function pullState(pull: RolloutPullView, c: Colors): string {
  if (pull.state === 'pulled')
    return `${phaseColor('pulled', c)} ${pull.bytes === 0 ? 'already there' : bytes(pull.bytes)} in ${seconds(pull.ms)}`;
  if (pull.state === 'failed') return `${c.red('failed')}${pull.detail ? `  ${c.dim(pull.detail)}` : ''}`;
  return pull.state;
}

export function pullLine(pull: RolloutPullView, c: Colors): string {
  return `pull on ${pull.host}: ${pullState(pull, c)}`;
}

/** One rollout and its tasks, as `cj rollout status` prints it. */
export function rolloutDetail(view: RolloutView, c: Colors): string[] {
  return [
    rolloutHeadline(view, c),
    `started ${time(view.startedAt)}${view.endedAt ? `, ended ${time(view.endedAt)}` : ''}${view.reason ? `: ${view.reason}` : ''}`,
    ...(view.pulls ?? []).map((p) => pullLine(p, c)),
    '',
    ...table(
      view.tasks,
      [
        { header: 'task', cell: (t) => String(t.task), right: true },
        { header: 'host', cell: (t) => t.host },
        { header: 'from', cell: (t) => revision(t.fromRevision) },
        { header: 'to', cell: (t) => revision(t.toRevision) },
        { header: 'phase', cell: (t) => phaseColor(t.phase, c) },
        { header: 'health', cell: (t) => (t.health ? phaseColor(t.health, c) : NONE) },
        { header: 'down', cell: (t) => seconds(t.downtimeMs), right: true },
        { header: 'detail', cell: (t) => t.detail ?? '' },
      ],
      c.bold,
    ),
  ];
}

/** For `--detach`: the rollout's id and how to follow it. */
export function printStarted(out: Output, view: RolloutView): void {
  out.line(`rollout ${view.id} started: ${view.job} ${revision(view.fromRevision)} → ${revision(view.toRevision)}`);
  out.line(`follow it with \`cj rollout status ${view.id} --wait\``);
}
