import type { ReadDb } from '../read-db';

export interface TaskRow {
  readonly env: string;
  readonly job: string;
  readonly task: number;
  readonly host: string;
  readonly port: number;
  readonly desired_revision: number;
  readonly desired_state: 'running' | 'stopped';
  readonly container_id: string | null;
  readonly container_host: string | null;
  readonly observed_revision: number | null;
  readonly observed_state: string | null;
  readonly exit_code: number | null;
  readonly health: string;
  readonly started_at: string | null;
  readonly restart_count: number;
  /** When the last event about the task's container happened (the engine's time for an exit). */
  readonly observed_at: string | null;
}

/** Tasks: desired beside observed, from the tasks projection. */
export class TaskQueries {
  constructor(private readonly db: ReadDb) {}

  tasks(env: string, job?: string): TaskRow[] {
    if (job !== undefined) {
      return this.db.prepare('SELECT * FROM tasks WHERE env = ? AND job = ? ORDER BY task').all(env, job) as TaskRow[];
    }
    return this.db.prepare('SELECT * FROM tasks WHERE env = ? ORDER BY job, task').all(env) as TaskRow[];
  }
}
