import type { TaskActionResult, UpDownResponse } from '@cj/api';
import { shortId } from './format';
import type { Colors, Output } from './output';
import { table } from './table';

/** What `up` / `down` did to each task. */
export function printTaskActions(out: Output, result: UpDownResponse): void {
  const c = out.color;
  const lines = table(
    result.tasks,
    [
      { header: 'job', cell: (t) => t.job },
      { header: 'task', cell: (t) => String(t.task), right: true },
      { header: 'host', cell: (t) => t.host },
      { header: 'container', cell: (t) => shortId(t.containerId) },
      { header: 'action', cell: (t) => actionColor(t.action, c) },
    ],
    c.bold,
  );
  for (const line of lines) out.line(line);
}

function actionColor(kind: TaskActionResult['action'], c: Colors): string {
  return kind === 'started' ? c.green(kind) : kind === 'stopped' || kind === 'removed' ? c.yellow(kind) : kind;
}
