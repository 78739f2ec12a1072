import { decide } from './decide';
import { evolve, initialState } from './job-state';

export * from './command-metadata';
export * from './job-commands';
export * from './job-errors';
export type { JobState, ObservedContainer, ObservedContainerState, ObservedTask } from './job-state';

/** The job decider; named apart because each aggregate (host, rollout) has its own triple. */
export const jobDecider = { decide, evolve, initialState } as const;
export { decide as decideJob, evolve as evolveJob, initialState as initialJobState };
