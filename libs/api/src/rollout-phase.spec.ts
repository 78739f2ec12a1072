import { isTerminalRolloutPhase, type RolloutPhase } from './rollout-phase';

describe('rollout phases', () => {
  it.each<RolloutPhase>(['succeeded', 'rolled-back', 'failed', 'aborted'])('%s ends the rollout', (phase) =>
    expect(isTerminalRolloutPhase(phase)).toBe(true),
  );

  it.each<RolloutPhase>(['running', 'paused', 'rolling-back', 'aborting'])('%s does not', (phase) =>
    expect(isTerminalRolloutPhase(phase)).toBe(false),
  );
});
