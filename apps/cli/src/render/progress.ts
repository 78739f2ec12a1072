import type { RolloutView } from '@cj/api';
import type { Output } from './output';
import { pullLine, rolloutHeadline, taskLine } from './rollout';

/** Live progress of a rollout, fed with each polled view. */
export interface Progress {
  show(view: RolloutView): void;
}

export function rolloutProgress(out: Output): Progress {
  return out.interactive ? new RedrawnProgress(out) : new LoggedProgress(out);
}

/** On a terminal: one headline and one line per task, redrawn in place. */
class RedrawnProgress implements Progress {
  private drawn = 0;

  constructor(private readonly out: Output) {}

  show(view: RolloutView): void {
    const c = this.out.color;
    const lines = [
      rolloutHeadline(view, c),
      ...(view.pulls ?? []).map((p) => `  ${pullLine(p, c)}`),
      ...view.tasks.map((t) => `  ${taskLine(t, c)}`),
    ];
    // Move to the start of the block drawn last time, then rewrite each line and clear leftovers.
    let text = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    for (const line of lines) text += `\x1b[2K${line}\n`;
    for (let extra = lines.length; extra < this.drawn; extra++) text += '\x1b[2K\n';
    this.out.write(text);
    this.drawn = Math.max(lines.length, this.drawn);
  }
}

/** Elsewhere (CI, pipes): a plain line whenever the rollout or a task changes. */
class LoggedProgress implements Progress {
  private readonly seen = new Map<string, string>();

  constructor(private readonly out: Output) {}

  show(view: RolloutView): void {
    this.once('rollout', rolloutHeadline(view, this.out.color));
    for (const pull of view.pulls ?? []) this.once(`pull ${pull.host}`, pullLine(pull, this.out.color));
    for (const task of view.tasks) this.once(`task ${task.task}`, taskLine(task, this.out.color));
  }

  private once(key: string, line: string): void {
    if (this.seen.get(key) === line) return;
    this.seen.set(key, line);
    this.out.line(line);
  }
}
