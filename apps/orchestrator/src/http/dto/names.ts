import { NAME_PATTERN } from '@cj/domain';

/**
 * Env and job names: they become stream names and container names, so keep them plain. The same
 * pattern and length limit as the jobs file's, so every name a file records is one every route takes.
 */
export const ENV_NAME = NAME_PATTERN;
export const JOB_NAME = NAME_PATTERN;
