import type { HealthStatus, LastKnownContainer, ObservedContainerState } from '@cj/domain';
import type { TaskRow } from '../read-model/queries/task-queries';

/** The tasks projection's rows as the observation rules read them: tasks without a container drop out. */
export function lastKnownContainers(rows: readonly TaskRow[]): LastKnownContainer[] {
  return rows.flatMap((row) =>
    row.container_id === null || row.observed_state === null || row.observed_revision === null
      ? []
      : [
          {
            job: row.job,
            task: row.task,
            containerId: row.container_id,
            // The projection writes only the domain's values into these columns.
            state: row.observed_state as ObservedContainerState,
            revision: row.observed_revision,
            health: row.health as HealthStatus,
            restartCount: row.restart_count,
          },
        ],
  );
}
