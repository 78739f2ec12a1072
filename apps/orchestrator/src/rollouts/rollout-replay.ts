import { evolveRollout, initialRolloutState, rolloutStreamId, toRolloutView, type RolloutState } from '@cj/domain';
import type { EventStore } from '@cj/event-store';
import { summarize } from '../read-model/projections/event-summary';
import { rolloutEventOf } from '../store/event-codec';
import type { RolloutReplay, RolloutReplayStep } from '@cj/api';

/**
 * A rollout replayed from its own stream, step by step: each event with the rollout as it stood once
 * that event was recorded — what a replay of the log says, not what the projection kept last.
 * Undefined when the environment has no such rollout.
 */
export async function replayRollout(store: EventStore, env: string, id: string): Promise<RolloutReplay | undefined> {
  const records = await store.readStream(rolloutStreamId(env, id));
  let state: RolloutState = initialRolloutState();
  const steps: RolloutReplayStep[] = [];
  for (const record of records) {
    const event = rolloutEventOf(record);
    if (!event) continue;
    state = evolveRollout(state, event);
    if (!state.exists) continue;
    const data: Readonly<Record<string, unknown>> = event.data;
    steps.push({
      step: Number(record.revision),
      at: new Date(event.data.at).toISOString(),
      type: event.type,
      ...(typeof data['task'] === 'number' && { task: data['task'] }),
      ...(typeof data['host'] === 'string' && { host: data['host'] }),
      summary: summarize(event.type, data),
      view: toRolloutView(state),
    });
  }
  return steps.length > 0 ? { id, steps } : undefined;
}
