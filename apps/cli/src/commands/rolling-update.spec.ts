import { fixtures, RecordedApi, runCj } from '../testing';

const START = '/v1/envs/default/jobs/webhook-listener/rolling-update';
const ROLLOUT = '/v1/envs/default/rollouts/6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01';

async function apiWith(...polls: ReturnType<typeof fixtures.rollout>[]): Promise<RecordedApi> {
  return new RecordedApi()
    .on('POST', START, { status: 200, json: fixtures.rollout('running', ['pending', 'pending']) })
    .on('GET', ROLLOUT, ...polls.map((json) => ({ json })))
    .start();
}

describe('cj rolling-update', () => {
  let api: RecordedApi;
  afterEach(() => api.stop());

  it('prints a plain line per change when not on a terminal and exits 0 when it succeeds', async () => {
    api = await apiWith(
      fixtures.rollout('running', ['updated', 'updating']),
      fixtures.rollout('succeeded', ['updated', 'updated']),
    );
    const result = await runCj(
      ['rolling-update', 'webhook-listener', '--tag', 'b7c8d9e', '--max-parallel', '2', '--order', 'start-first'],
      { url: api.url },
    );
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'rollout 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01  webhook-listener  r2 → r3  running',
      'task 0 on git-app-1: r2 → r3 pending',
      'task 1 on git-app-2: r2 → r3 pending',
      'task 0 on git-app-1: r2 → r3 updated healthy',
      'task 1 on git-app-2: r2 → r3 updating',
      'rollout 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01  webhook-listener  r2 → r3  succeeded',
      'task 1 on git-app-2: r2 → r3 updated',
      'rollout 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01 succeeded: webhook-listener is at r3',
      '',
    ]);
    expect(api.requestsTo('POST', START)[0].body).toMatchObject({
      tag: 'b7c8d9e',
      maxParallel: 2,
      order: 'start-first',
    });
  });

  it('shows the pull phase host by host, then each task with its downtime', async () => {
    const pulling = {
      ...fixtures.rollout('running', ['pending', 'pending']),
      pulls: [
        { host: 'git-app-1', state: 'pulled' as const, bytes: 209_715_200, ms: 2_140 },
        { host: 'git-app-2', state: 'pulling' as const },
      ],
    };
    const pulled = {
      ...pulling,
      pulls: [pulling.pulls[0], { host: 'git-app-2', state: 'pulled' as const, bytes: 0, ms: 35 }],
    };
    const done = fixtures.rollout('succeeded', ['updated', 'updated']);
    const finished = {
      ...done,
      pulls: pulled.pulls,
      tasks: done.tasks.map((t, i) => ({ ...t, downtimeMs: [1_320, 1_270][i] })),
    };
    api = await apiWith(pulling, pulled, finished);
    const result = await runCj(['rolling-update', 'webhook-listener', '--tag', 'b7c8d9e'], { url: api.url });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'rollout 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01  webhook-listener  r2 → r3  running',
      'task 0 on git-app-1: r2 → r3 pending',
      'task 1 on git-app-2: r2 → r3 pending',
      'pull on git-app-1: pulled 200.0MiB in 2.1s',
      'pull on git-app-2: pulling',
      'pull on git-app-2: pulled already there in 0.0s',
      'rollout 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01  webhook-listener  r2 → r3  succeeded',
      'task 0 on git-app-1: r2 → r3 updated healthy  down 1.3s',
      'task 1 on git-app-2: r2 → r3 updated  down 1.3s',
      'rollout 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01 succeeded: webhook-listener is at r3',
      '',
    ]);
  });

  it("sends --monitor as milliseconds, and 0 to turn the job's window off", async () => {
    api = await apiWith(fixtures.rollout('succeeded', ['updated', 'updated']));
    expect((await runCj(['rolling-update', 'webhook-listener', '--monitor', '1m30s'], { url: api.url })).code).toBe(0);
    expect((await runCj(['rolling-update', 'webhook-listener', '--monitor', '0'], { url: api.url })).code).toBe(0);
    expect(api.requestsTo('POST', START).map((r) => (r.body as { monitor?: number }).monitor)).toEqual([90_000, 0]);
  });

  it.each(['5', '-1s', 'soon'])(
    'refuses --monitor %s with exit 2, naming the option and what it takes',
    async (value) => {
      api = await apiWith();
      const result = await runCj(['rolling-update', 'webhook-listener', '--monitor', value], { url: api.url });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(
          `^cj: option '--monitor <duration>' argument '${value}' is invalid\\. expected a duration with a unit, such as 500ms, 5s or 1m30s`,
        ),
      );
      expect(api.requestsTo('POST', START)).toHaveLength(0);
    },
  );

  it('exits 3 and prints the reason when the rollout rolled back', async () => {
    api = await apiWith(
      fixtures.rollout('rolled-back', ['rolled-back', 'pending'], 'task 0 on git-app-1 was not healthy within 30s'),
    );
    const result = await runCj(['rolling-update', 'webhook-listener'], { url: api.url });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'cj: rollout 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01 rolled back: task 0 on git-app-1 was not healthy within 30s\n' +
        '  hint: see what failed with `cj rollout status 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01` and `cj logs webhook-listener`\n',
    );
  });

  it.each(['failed', 'aborted', 'paused'] as const)('exits 1 when the rollout ends %s', async (phase) => {
    api = await apiWith(fixtures.rollout(phase, ['failed', 'pending'], 'host git-app-2 is unreachable'));
    const result = await runCj(['rolling-update', 'webhook-listener'], { url: api.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^cj: rollout 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01 (is )?${phase}: host git-app-2 is unreachable\n {2}hint: `,
      ),
    );
  });

  it('returns at once with --detach and says how to follow', async () => {
    api = await apiWith(fixtures.rollout('succeeded', ['updated', 'updated']));
    const result = await runCj(['rolling-update', 'webhook-listener', '--detach'], { url: api.url });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'rollout 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01 started: webhook-listener r2 → r3\nfollow it with `cj rollout status 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01 --wait`\n',
    );
    expect(api.requestsTo('GET', ROLLOUT)).toHaveLength(0);
  });

  it('redraws one line per task in place on a terminal', async () => {
    api = await apiWith(
      fixtures.rollout('running', ['updated', 'updating']),
      fixtures.rollout('succeeded', ['updated', 'updated']),
    );
    const result = await runCj(['rolling-update', 'webhook-listener'], {
      url: api.url,
      tty: true,
      vars: { NO_COLOR: '1' },
    });
    expect(result.code).toBe(0);
    // Three lines drawn, then twice: up three lines, and each line cleared and rewritten.
    expect(result.stdout.match(/\x1b\[3F/g)).toHaveLength(2);
    expect(result.stdout.match(/\x1b\[2K/g)).toHaveLength(9);
    expect(result.stdout).toContain('\x1b[2K  task 1 on git-app-2: r2 → r3 updated\n');
  });

  it('reports a refused start (one rollout per job) from the problem, exit 1', async () => {
    api = await new RecordedApi()
      .on('POST', START, {
        status: 409,
        json: {
          type: 'urn:cj:problem:rollout-active',
          title: 'Conflict',
          status: 409,
          detail: 'job webhook-listener already has rollout ro-0 running',
          hint: 'wait for it: `cj rollout status ro-0 --wait`',
        },
      })
      .start();
    const result = await runCj(['rolling-update', 'webhook-listener'], { url: api.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'cj: job webhook-listener already has rollout ro-0 running\n  hint: wait for it: `cj rollout status ro-0 --wait`\n',
    );
  });
});
