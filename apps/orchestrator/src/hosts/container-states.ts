/** Seconds a container gets to stop on SIGTERM before it is killed. */
export const STOP_GRACE_SECONDS = 10;
