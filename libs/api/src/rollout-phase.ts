/** Where a rollout is: running (or paused, or reverting) until it ends in one of the terminal phases. */
export type RolloutPhase =
  'running' | 'paused' | 'succeeded' | 'rolling-back' | 'aborting' | 'rolled-back' | 'failed' | 'aborted';

/** The phases a rollout ends in: nothing changes it after. */
export const TERMINAL_ROLLOUT_PHASES: readonly RolloutPhase[] = ['succeeded', 'rolled-back', 'failed', 'aborted'];

export const isTerminalRolloutPhase = (phase: RolloutPhase): boolean => TERMINAL_ROLLOUT_PHASES.includes(phase);
