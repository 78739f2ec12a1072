import type { RecordedEvent } from '@cj/event-store';
import { evolveRollout, initialRolloutState, type RolloutState } from '@cj/domain';
import { rolloutEventOf } from '../../store/event-codec';
import type { Projection } from '../projection';
import type { ReadDb } from '../read-db';
import { streamOf } from './projected-event';

/**
 * Rollouts: one row per rollout with its state folded from its stream, so that listing and
 * following rollouts read one row rather than a stream.
 */
export const rolloutsProjection: Projection = {
  name: 'rollouts',
  version: 2,
  tables: ['rollouts'],
  schema: `CREATE TABLE IF NOT EXISTS rollouts (
      env TEXT NOT NULL,
      id TEXT NOT NULL,
      job TEXT NOT NULL,
      started_at INTEGER NOT NULL,
      state TEXT NOT NULL,
      PRIMARY KEY (env, id)
    );
    CREATE INDEX IF NOT EXISTS rollouts_env_job ON rollouts (env, job, started_at);`,
  apply(db: ReadDb, record: RecordedEvent): void {
    const stream = streamOf(record.streamId);
    if (stream?.kind !== 'rollout') return;
    const event = rolloutEventOf(record);
    if (!event) return;
    if (event.type === 'RolloutStarted') {
      const state = evolveRollout(initialRolloutState(), event);
      db.prepare('INSERT OR REPLACE INTO rollouts (env, id, job, started_at, state) VALUES (?, ?, ?, ?, ?)').run(
        stream.env,
        stream.id,
        event.data.job,
        event.data.at,
        JSON.stringify(state),
      );
      return;
    }
    const row = db.prepare('SELECT state FROM rollouts WHERE env = ? AND id = ?').get(stream.env, stream.id) as
      { state: string } | undefined;
    if (!row) return;
    const state = evolveRollout(JSON.parse(row.state) as RolloutState, event);
    db.prepare('UPDATE rollouts SET state = ? WHERE env = ? AND id = ?').run(
      JSON.stringify(state),
      stream.env,
      stream.id,
    );
  },
};
