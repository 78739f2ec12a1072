import { fixtures, RecordedApi, runCj } from '../testing';

const UPDATE = '/v1/envs/default/jobs/webhook-listener/update';
const ROLLOUT = '/v1/envs/default/rollouts/6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01';

describe('cj update', () => {
  let api: RecordedApi;

  beforeEach(async () => {
    api = await new RecordedApi()
      .on('GET', UPDATE, { json: fixtures.updateCandidates })
      .on('POST', UPDATE, { status: 200, json: fixtures.rollout('running', ['updating', 'pending']) })
      .on('GET', ROLLOUT, { json: fixtures.rollout('succeeded', ['updated', 'updated']) })
      .start();
  });
  afterEach(() => api.stop());

  it('shows the running container and the registry tags, takes a piped number, and rolls out that tag', async () => {
    const result = await runCj(['update', 'webhook-listener', '--reason', 'new hook format'], {
      url: api.url,
      input: '1\n',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const screen = result.stdout.split('\n');
    expect(screen.slice(0, 8)).toEqual([
      'Find running container:',
      '  TASK  HOST       VERSION  CREATED               IMAGE ID      CONTAINER ID',
      '     0  git-app-1  a5af2f2  2015-05-30 08:00:00Z  111111111111  c0ffee012345',
      '',
      'The tags in the registry:',
      '  #  VERSION  IMAGE ID      CREATED',
      '  1  b7c8d9e  222222222222  2015-06-02 09:00:00Z',
      '  2  a5af2f2  111111111111  2015-05-30 08:00:00Z',
    ]);
    expect(screen[8]).toBe('Choose a version [1-2]: ');
    expect(result.stdout).toContain(
      'rollout 6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01 succeeded: webhook-listener is at r3',
    );

    const [post] = api.requestsTo('POST', UPDATE);
    expect(post.body).toEqual({
      actor: expect.stringMatching(/^[^@\s]+@[^@\s]+$/),
      commandId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      reason: 'new hook format',
      tag: 'b7c8d9e',
    });
  });

  it('accepts the tag by name as the answer', async () => {
    const result = await runCj(['update', 'webhook-listener'], { url: api.url, input: 'a5af2f2\n' });
    expect(result.code).toBe(0);
    expect(api.requestsTo('POST', UPDATE)[0].body).toMatchObject({ tag: 'a5af2f2' });
  });

  it.each([
    ['3\n', /^cj: 3 is not in the list\n {2}hint: answer with a number from 1 to 2\n$/],
    [
      '',
      /^cj: no version chosen\n {2}hint: answer with a number from the list, or pass the tag: `cj update JOB TAG`\n$/,
    ],
  ])('refuses the answer %j with exit 2 and changes nothing', async (input, message) => {
    const result = await runCj(['update', 'webhook-listener'], { url: api.url, input });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(api.requestsTo('POST', UPDATE)).toHaveLength(0);
  });

  it('takes the tag as an argument or --tag without asking, with a fresh command id each time', async () => {
    expect((await runCj(['update', 'webhook-listener', 'b7c8d9e'], { url: api.url })).code).toBe(0);
    expect((await runCj(['update', 'webhook-listener', '--tag', 'a5af2f2'], { url: api.url })).code).toBe(0);
    expect(api.requestsTo('GET', UPDATE)).toHaveLength(0);
    const [first, second] = api.requestsTo('POST', UPDATE).map((r) => r.body as { tag: string; commandId: string });
    expect([first.tag, second.tag]).toEqual(['b7c8d9e', 'a5af2f2']);
    expect(first.commandId).not.toBe(second.commandId);
  });

  it('lets a person at a terminal pick by number', async () => {
    const result = await runCj(['update', 'webhook-listener'], { url: api.url, tty: true, input: '2\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Choose a version [1-2]: ');
    expect(api.requestsTo('POST', UPDATE)[0].body).toMatchObject({ tag: 'a5af2f2' });
  });
});
