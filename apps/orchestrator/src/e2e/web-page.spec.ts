import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsoleFeedChange, RolloutView, WhoAmIResponse } from '@cj/api';
import { OrchestratorProcess } from '../testing';
import { bearer, WebWorld } from './web-page-world';

jest.setTimeout(120_000);

const ENV = 'web-e2e';
const OPERATOR = 'operator-token-web-0123456789';
const READER = 'reader-token-web-0123456789';
const GREETING = 'web task ready';
const WEB_SOURCES = join(__dirname, '../../../web/src');

/** The files the served page loads: every script and stylesheet it names. */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]+)"/gi)].map((match) => match[1]);
}

/**
 * Reads a server-sent-events answer until `enough` holds for the messages read so far (ten
 * seconds at most), then leaves.
 */
async function feedUntil(
  url: string,
  headers: Record<string, string>,
  enough: (changes: ConsoleFeedChange[]) => boolean,
  during?: () => Promise<unknown>,
): Promise<{ contentType: string; changes: ConsoleFeedChange[] }> {
  const leave = new AbortController();
  const giveUp = setTimeout(() => leave.abort(), 15_000);
  const changes: ConsoleFeedChange[] = [];
  let contentType = '';
  try {
    const response = await fetch(url, { headers, signal: leave.signal });
    contentType = response.headers.get('content-type') ?? '';
    let buffer = '';
    const decoder = new TextDecoder();
    let started = false;
    for await (const chunk of response.body ?? []) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .find((line) => line.startsWith('data: '));
        buffer = buffer.slice(end + 2);
        if (data) changes.push(JSON.parse(data.slice(6)) as ConsoleFeedChange);
      }
      if (!started && changes.length > 0 && during) {
        started = true;
        await during();
      }
      if (enough(changes)) break;
    }
  } catch (error) {
    if (!leave.signal.aborted) throw error;
  } finally {
    clearTimeout(giveUp);
    leave.abort();
  }
  return { contentType, changes };
}

describe('the web console, served by a real orchestrator', () => {
  let world: WebWorld;
  let orchestrator: OrchestratorProcess;

  beforeAll(async () => {
    world = await WebWorld.start({ env: ENV, hostCount: 1, port: 18280, greeting: GREETING });
    orchestrator = world.orchestrator;
  });

  afterAll(() => world?.stop());

  it.each(['/', '/ui'])('serves %s as HTML under a policy that runs only files of this origin', async (path) => {
    const response = await fetch(`${orchestrator.url}${path}`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/default-src 'none'/);
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    // Styles: files of this origin, and the page's own style elements under this answer's nonce.
    const nonce = /style-src 'self' 'nonce-([A-Za-z0-9+/=]+)'(;|$)/.exec(policy)?.[1];
    expect(nonce).toBeDefined();
    expect(html).toContain(`<meta name="cj-style-nonce" content="${nonce}">`);
    expect(policy).toMatch(/connect-src 'self'/);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    // No inline code at all: every script element names a file, no handler or style attribute.
    expect([...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].map((match) => match[1].trim())).toEqual(['']);
    expect(html).not.toMatch(/<style\b|\son[a-z]+=|\sstyle=/i);
  });

  it('serves every file the page names, immutable and under the same policy', async () => {
    const assets = assetsOf(await (await fetch(`${orchestrator.url}/`)).text());
    expect(assets.map((asset) => asset.replace(/-[\w-]+\./, '-HASH.')).sort()).toEqual([
      '/assets/index-HASH.css',
      '/assets/index-HASH.js',
    ]);
    for (const asset of assets) {
      const response = await fetch(`${orchestrator.url}${asset}`);
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
      expect(response.headers.get('content-type')).toMatch(asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      expect(response.headers.get('cache-control')).toMatch(/immutable/);
      expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    }
    // The console renders data as text: its sources never hand markup to the DOM.
    for (const file of readdirSync(WEB_SOURCES)) {
      expect({
        file,
        markup: /dangerouslySetInnerHTML|innerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(/.test(
          readFileSync(join(WEB_SOURCES, file), 'utf8'),
        ),
      }).toEqual({ file, markup: false });
    }
  });

  it('gives every answer a fresh style nonce', async () => {
    const [first, second] = await Promise.all([fetch(`${orchestrator.url}/`), fetch(`${orchestrator.url}/`)]);
    expect(first.headers.get('content-security-policy')).not.toBe(second.headers.get('content-security-policy'));
  });

  it('answers 404 for an asset the build does not have, and never reaches outside it', async () => {
    for (const path of ['/assets/nothing.js', '/assets/..%2F..%2Fpackage.json', '/assets/index.html']) {
      const response = await fetch(`${orchestrator.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
  });

  it('says who a request is when no tokens are configured: the local operator', async () => {
    const answer = await orchestrator.request<WhoAmIResponse>('GET', '/v1/whoami');
    expect(answer.body).toEqual({ name: 'local', role: 'operator' });
  });

  it('feeds the page everything first, then each view again when a projected change altered it', async () => {
    let rollout: RolloutView | undefined;
    const { contentType, changes } = await feedUntil(
      `${orchestrator.url}/v1/envs/${ENV}/feed`,
      {},
      (seen) => seen.some((change) => change.rollouts?.some((view) => view.phase === 'succeeded')),
      async () => {
        rollout = (await world.operate<RolloutView>('POST', `/v1/envs/${ENV}/jobs/web/rolling-update`, { tag: 'v2' }))
          .body;
      },
    );
    expect(contentType).toMatch(/^text\/event-stream/);
    const [first, ...later] = changes;
    expect(Object.keys(first).sort()).toEqual(['audit', 'hosts', 'position', 'rollouts', 'status']);
    expect(first.status?.tasks.map((task) => task.observed?.state)).toEqual(['running']);
    expect(first.rollouts).toEqual([]);
    // The rollout is seen in flight before it ends. (Status and hosts now carry when each value was
    // observed, so they change with every pass: which sections a later message carries is not fixed.)
    const phases = later.flatMap(
      (change) => change.rollouts?.filter((view) => view.id === rollout?.id).map((view) => view.phase) ?? [],
    );
    expect(phases).toContain('running');
    expect(phases[phases.length - 1]).toBe('succeeded');
    expect(later.some((change) => change.audit?.some((entry) => entry.type === 'RolloutSucceeded'))).toBe(true);
    expect(BigInt(later[later.length - 1].position)).toBeGreaterThan(BigInt(first.position));
  });

  it('keeps the page out of the OpenAPI document and the API in it', async () => {
    const openapi = await orchestrator.request<{ paths: Record<string, unknown> }>('GET', '/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(['/v1/envs', '/v1/whoami', '/v1/envs/{env}/feed']),
    );
    expect(Object.keys(openapi.body.paths)).not.toContain('/');
  });
});

describe('the web console behind tokens', () => {
  let orchestrator: OrchestratorProcess;

  beforeAll(async () => {
    orchestrator = await OrchestratorProcess.start({ env: { CJ_TOKEN: OPERATOR, CJ_READ_TOKEN: READER } });
  });
  afterAll(() => orchestrator?.stop());

  it('loads the page and its files without a token', async () => {
    const html = await (await fetch(`${orchestrator.url}/`)).text();
    for (const path of ['/', '/ui', ...assetsOf(html)]) {
      const response = await fetch(`${orchestrator.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
    }
  });

  it('answers 401 on the feed and whoami without a token', async () => {
    for (const path of ['/v1/whoami', '/v1/envs/anything/feed', '/v1/envs']) {
      const response = await fetch(`${orchestrator.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 401 });
    }
  });

  it('names each token and its role', async () => {
    expect((await orchestrator.request<WhoAmIResponse>('GET', '/v1/whoami', undefined, bearer(OPERATOR))).body).toEqual(
      { name: 'bootstrap', role: 'operator' },
    );
    expect((await orchestrator.request<WhoAmIResponse>('GET', '/v1/whoami', undefined, bearer(READER))).body).toEqual({
      name: 'read-only',
      role: 'viewer',
    });
  });
});
