import { randomUUID } from 'node:crypto';
import { openSqliteEventStore } from '@cj/event-store';
import type { ApiProblem } from '@cj/api';
// eslint-disable-next-line @nx/enforce-module-boundaries -- end-to-end tests drive both apps: the real cj against the real orchestrator
import { runCj } from '../../../cli/src/testing';
import { OrchestratorProcess } from '../testing';

jest.setTimeout(180_000);

/** Starting the orchestrator can take long on a loaded machine. */
const READY_MS = 90_000;

const BOOTSTRAP = 'bootstrap-token-e2e-0123456789';
const ENV = 'tok';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const emptyFile = { file: 'jobs.yaml', text: `environment: ${ENV}\nhosts: {}\njobs: []\n` };
const change = (actor = 'someone@somewhere') => ({ actor, commandId: randomUUID() });

interface CreatedToken {
  readonly name: string;
  readonly role: string;
  readonly token: string;
  readonly createdBy: string;
}

describe('named tokens with roles', () => {
  let orchestrator: OrchestratorProcess;
  let alice: string;
  let bob: string;

  async function recorded() {
    const store = openSqliteEventStore(orchestrator.store);
    try {
      return (await store.readAll()).map(
        (event) => event.metadata as { actor: string; claimedActor?: string; correlationId: string },
      );
    } finally {
      await store.close();
    }
  }

  beforeAll(async () => {
    orchestrator = await OrchestratorProcess.start({ env: { CJ_TOKEN: BOOTSTRAP }, readyTimeoutMs: READY_MS });
  });
  afterAll(() => orchestrator?.stop());

  it('creates tokens with the bootstrap token, shows each secret once, lists them without it', async () => {
    const created = await orchestrator.request<CreatedToken>(
      'POST',
      '/v1/admin/tokens',
      { name: 'alice', role: 'operator' },
      bearer(BOOTSTRAP),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'alice', role: 'operator', createdBy: 'bootstrap' });
    alice = created.body.token;

    const viaCli = await runCj(['token', 'create', 'bob', '--role', 'viewer'], {
      url: orchestrator.url,
      vars: { CJ_TOKEN: BOOTSTRAP },
    });
    expect(viaCli.code).toBe(0);
    bob = viaCli.stdout.trim();
    expect(bob).toMatch(/^cj_\S{20,}$/);
    expect(viaCli.stderr).toContain('only time its secret is shown');

    const listed = await runCj(['token', 'list', '--json'], { url: orchestrator.url, vars: { CJ_TOKEN: alice } });
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ name: 'alice', role: 'operator' }),
      expect.objectContaining({ name: 'bob', role: 'viewer' }),
    ]);
    expect(listed.stdout).not.toContain(alice);
    expect(listed.stdout).not.toContain(bob);
    expect(
      (await orchestrator.request('POST', '/v1/admin/tokens', { name: 'alice', role: 'viewer' }, bearer(BOOTSTRAP)))
        .status,
    ).toBe(409);
  });

  it("records the token's name as the actor of every event, the client's word only as a claim", async () => {
    const request = {
      ...change('root@prod-forged'),
      jobs: { file: 'jobs.yaml', text: `environment: ${ENV}\nhosts: { h1: "tcp://127.0.0.1:9" }\njobs: []\n` },
    };
    expect((await orchestrator.request('POST', `/v1/envs/${ENV}/apply`, request, bearer(alice))).status).toBe(200);
    const mine = (await recorded()).filter((metadata) => metadata.correlationId === request.commandId);
    expect(mine.length).toBeGreaterThan(0);
    for (const metadata of mine) expect(metadata).toMatchObject({ actor: 'alice', claimedActor: 'root@prod-forged' });
  });

  it.each([
    ['POST', `/v1/envs/${ENV}/apply`, { ...change(), jobs: emptyFile }],
    ['POST', `/v1/envs/${ENV}/jobs/web/up`, change()],
    ['POST', `/v1/envs/${ENV}/jobs/web/down`, change()],
    ['POST', `/v1/envs/${ENV}/jobs/web/rolling-update`, change()],
    ['POST', `/v1/envs/${ENV}/jobs/web/update`, { ...change(), tag: 'v2' }],
    ['POST', `/v1/envs/${ENV}/jobs/web/rollback`, change()],
    ['POST', `/v1/envs/${ENV}/rollouts/r1/abort`, change()],
    ['POST', `/v1/envs/${ENV}/replicate`, { ...change(), targetEnv: 'other', hosts: {} }],
    ['POST', '/v1/admin/rebuild-projections', undefined],
    ['POST', '/v1/admin/tokens', { name: 'eve', role: 'operator' }],
    ['GET', '/v1/admin/tokens', undefined],
    ['DELETE', '/v1/admin/tokens/alice', undefined],
  ])('refuses the viewer %s %s (403), recording nothing', async (method, path, body) => {
    // The orchestrator keeps observing h1 (and records what it sees) while this runs, so count
    // only what this request could have caused: events of its command or of its token.
    const commandId = (body as { commandId?: string } | undefined)?.commandId;
    const ours = async () =>
      (await recorded()).filter(
        (metadata) => metadata.actor === 'bob' || (commandId !== undefined && metadata.correlationId === commandId),
      );
    const answer = await orchestrator.request<ApiProblem>(method, path, body, bearer(bob));
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toMatch(/needs the operator role; token bob has the viewer role/);
    expect(await ours()).toEqual([]);
  });

  it('lets the viewer read and diff, which records nothing', async () => {
    expect((await orchestrator.request('GET', `/v1/envs/${ENV}/status`, undefined, bearer(bob))).status).toBe(200);
    const diff = await orchestrator.request('POST', `/v1/envs/${ENV}/diff`, { jobs: emptyFile }, bearer(bob));
    expect(diff.status).toBe(200);
  });

  it('refuses a revoked token at once', async () => {
    expect((await orchestrator.request('GET', `/v1/envs/${ENV}/status`, undefined, bearer(bob))).status).toBe(200);
    const revoked = await runCj(['token', 'revoke', 'bob'], { url: orchestrator.url, vars: { CJ_TOKEN: alice } });
    expect(revoked.code).toBe(0);
    const after = await orchestrator.request<ApiProblem>('GET', `/v1/envs/${ENV}/status`, undefined, bearer(bob));
    expect(after.status).toBe(401);
    expect((await orchestrator.request('GET', '/v1/admin/tokens', undefined, bearer(alice))).body).toEqual([
      expect.objectContaining({ name: 'alice' }),
    ]);
  });

  it('answers 401 with WWW-Authenticate, logs failures, and limits them per client (429)', async () => {
    const first = await fetch(`${orchestrator.url}/v1/envs/${ENV}/status`, {
      headers: bearer('wrong-token-000000000000'),
    });
    expect(first.status).toBe(401);
    expect(first.headers.get('www-authenticate')).toBe('Bearer realm="cj"');
    let last = first;
    for (let i = 0; i < 12; i++)
      last = await fetch(`${orchestrator.url}/v1/envs/${ENV}/status`, {
        headers: bearer(`wrong-token-${i}-00000000000`),
      });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    // Even the right token waits: the limit is per client, so guessing gains nothing.
    expect((await orchestrator.request('GET', `/v1/envs/${ENV}/status`, undefined, bearer(alice))).status).toBe(429);
    expect(orchestrator.log).toMatch(/"msg":"authentication failed"/);
  });
});

describe('named tokens without a bootstrap token (loopback)', () => {
  it('turns authentication on once a token exists', async () => {
    const orchestrator = await OrchestratorProcess.start({ readyTimeoutMs: READY_MS });
    try {
      expect((await orchestrator.request('GET', `/v1/envs/${ENV}/status`)).status).toBe(200);
      const created = await orchestrator.request<CreatedToken>('POST', '/v1/admin/tokens', {
        name: 'carol',
        role: 'operator',
      });
      expect(created.body).toMatchObject({ name: 'carol', createdBy: 'loopback' });
      expect((await orchestrator.request('GET', `/v1/envs/${ENV}/status`)).status).toBe(401);
      expect(
        (await orchestrator.request('GET', `/v1/envs/${ENV}/status`, undefined, bearer(created.body.token))).status,
      ).toBe(200);
    } finally {
      await orchestrator.stop();
    }
  });
});
