import { toRollbackView } from './view';
import { startCommand, World } from './testing/world';

const by = { actor: 'ana@laptop', reason: 'v3 serves 500s' };

describe('rollbacks in a job history', () => {
  it('given a rollout whose new revision fails its gate, then it is an automatic rollback of that revision to the old one', () => {
    const w = new World(startCommand({ fromRevision: 1, toRevision: 2 }), (_task, revision) => revision !== 2).run();

    expect(w.state.status).toBe('rolled-back');
    expect(toRollbackView(w.state, by)).toEqual({
      rolloutId: 'r0000001-aaaa',
      kind: 'automatic',
      from: 2,
      to: 1,
      at: new Date(w.state.endedAt as number).toISOString(),
      actor: 'ana@laptop',
      reason: w.state.reason,
    });
  });

  it('given cj rollback from 3 to 2 that succeeded, then it is a requested rollback of 3, with the operator’s reason', () => {
    const w = new World(startCommand({ fromRevision: 3, toRevision: 2, rollbackOf: { revision: 2 } })).run();

    expect(toRollbackView(w.state, by)).toMatchObject({
      kind: 'requested',
      from: 3,
      to: 2,
      actor: 'ana@laptop',
      reason: 'v3 serves 500s',
    });
  });

  it('given a plain rollout that succeeded, then it is no rollback', () => {
    expect(toRollbackView(new World(startCommand()).run().state, by)).toBeUndefined();
  });
});
