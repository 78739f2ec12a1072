import type { ActiveRollout } from '@cj/domain';
import type { EventStore } from '@cj/event-store';
import { isFinished } from '@cj/domain';
import { RolloutStream } from '../rollout-stream';

/** Polls a rollout's stream until it has finished. */
export async function waitForRollout(
  store: EventStore,
  env: string,
  id: string,
  timeoutMs: number,
): Promise<ActiveRollout> {
  const stream = new RolloutStream(store, env, id);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { state } = await stream.load();
    if (state.exists && isFinished(state)) return state;
    if (Date.now() > deadline)
      throw new Error(
        `rollout ${id} did not finish within ${timeoutMs} ms: ${JSON.stringify(state.exists ? { status: state.status, tasks: state.tasks.map((t) => t.phase) } : 'no stream')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
