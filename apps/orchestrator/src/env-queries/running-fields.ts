import { changeKind, diffJobSpecs, type FieldChange } from '@cj/domain';
import type { JobSpec } from '@cj/api';
import type { CurrentRevision } from '../read-model/queries/job-queries';
import type { TaskRow } from '../read-model/queries/task-queries';

const TASK_FIELD = /^tasks\[(\d+)\]\.(host|port)$/;

interface RunningTask {
  readonly row: TaskRow;
  /** How the revision its container runs differs from the recorded one. */
  readonly changes: ReadonlyMap<string, FieldChange>;
}

/**
 * What runs, field by field: the RUNNING column of a diff's job rows. A task's container was
 * created from the spec of the revision it is labelled with, and specs never change, so that
 * revision gives its image (digest included), envs, port and every other field it is made from; its
 * host is where the container was seen. The update policy and health check are the recorded ones:
 * cj reads them from the current revision, whatever revision made the container. When the running tasks disagree, the value says which runs what.
 */
export class RunningFields {
  private readonly tasks: readonly RunningTask[];

  constructor(
    private readonly recorded: CurrentRevision,
    rows: readonly TaskRow[],
    specOf: (revision: number) => JobSpec | undefined,
  ) {
    this.tasks = rows.flatMap((row) => {
      if (row.observed_state !== 'running' || row.observed_revision === null) return [];
      const spec = row.observed_revision === recorded.revision ? recorded.spec : specOf(row.observed_revision);
      if (!spec) return [];
      // What only cj reads takes effect in place: the recorded value is the one in force, whichever revision made the container.
      const made = diffJobSpecs(recorded.spec, spec).filter((change) => changeKind(change.path) === 'container');
      return [{ row, changes: new Map(made.map((change) => [change.path, change])) }];
    });
  }

  /** The running value of `path`, given its recorded value; undefined when no task runs it. */
  valueOf(path: string, recordedValue: unknown): unknown {
    const taskField = TASK_FIELD.exec(path);
    const values = this.tasks.flatMap(({ row, changes }) => {
      if (path === 'job') return [{ task: row.task, value: this.recorded.spec.name }];
      if (taskField && Number(taskField[1]) !== row.task) return [];
      if (taskField?.[2] === 'host' && row.container_host !== null)
        return [{ task: row.task, value: row.container_host }];
      const change = changes.get(path);
      return [{ task: row.task, value: change ? change.after : recordedValue }];
    });
    const distinct = new Map<string, { value: unknown; tasks: number[] }>();
    for (const { task, value } of values) {
      const key = JSON.stringify(value) ?? 'absent';
      const entry = distinct.get(key) ?? { value, tasks: [] };
      entry.tasks.push(task);
      distinct.set(key, entry);
    }
    if (distinct.size <= 1) return [...distinct.values()][0]?.value;
    return `mixed: ${[...distinct.values()].map(({ value, tasks }) => `${value === undefined ? 'none' : typeof value === 'string' ? value : JSON.stringify(value)} (task${tasks.length > 1 ? 's' : ''} ${tasks.join(', ')})`).join('; ')}`;
  }
}
