/** Seconds a container gets to stop on SIGTERM before it is killed. */
export const STOP_GRACE_SECONDS = 10;

/** Engine states in which a container's process is there: it must be stopped before it counts as stopped. */
export const LIVE: ReadonlySet<string> = new Set(['running', 'restarting', 'paused']);
