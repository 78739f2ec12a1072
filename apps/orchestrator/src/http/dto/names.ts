/** Env and job names: they become stream names and container names, so keep them plain. */
export const ENV_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const JOB_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/i;
