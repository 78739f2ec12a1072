import type { ContainerState } from '../ports/container-runtime';

/**
 * Whether an engine's container is live: its process is there (running, restarting by its restart
 * policy, or paused). A live container holds its task's port (host networking) and its memory, and
 * the engine's restart policy acts on it before cj does; so it must be stopped before its task
 * counts as stopped, no other container of the task is started beside it, and it is never removed
 * as replaced. A paused container is live but not serving: its frozen process answers nothing, which
 * its health check and the rollout's gate (that want `running`) see; the engine starts it only by
 * `unpause`, so cj neither starts it again nor makes another in its place.
 */
export function isLive(state: ContainerState): boolean {
  return state === 'running' || state === 'restarting' || state === 'paused';
}
