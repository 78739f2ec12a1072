import { Script } from 'node:vm';
import { OrchestratorProcess } from '../testing';
import { PAGE_API } from '../web/page-api';
import { WebWorld } from './web-page-world';

jest.setTimeout(120_000);

const ENV = 'web-e2e';
const OPERATOR = 'operator-token-web-0123456789';
const READER = 'reader-token-web-0123456789';
const GREETING = 'web task ready';

/** Every path the page reads, filled in for one task of one job. */
const pagePaths = (env: string, job: string, task: number) =>
  Object.entries(PAGE_API).map(([name, template]) => ({
    name,
    path: template.replace('{env}', encodeURIComponent(env)).replace('{job}', encodeURIComponent(job)).replace('{task}', String(task)),
  }));

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: unknown;
}

/**
 * A GET; a text body (a followed log never ends) is read until it contains `until`, then left.
 * Ten seconds without it fail the request rather than the whole suite's timeout.
 */
async function get(url: string, options: { headers?: Record<string, string>; until?: string } = {}): Promise<Answer> {
  const leave = new AbortController();
  const giveUp = setTimeout(() => leave.abort(new Error(`GET ${url}: no "${options.until}" within 10 s`)), 10_000);
  try {
    return await read(await fetch(url, { headers: options.headers, signal: leave.signal }), options.until);
  } finally {
    clearTimeout(giveUp);
    leave.abort();
  }
}

async function read(response: Response, until: string | undefined): Promise<Answer> {
  const contentType = response.headers.get('content-type') ?? '';
  if (contentType.includes('json')) return { status: response.status, contentType, body: await response.json() };
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body ?? []) {
    text += decoder.decode(chunk as Uint8Array, { stream: true });
    if (until === undefined || text.includes(until)) break;
  }
  return { status: response.status, contentType, body: text };
}

function scriptsOf(html: string): { nonce?: string; text: string }[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].map((match) => ({
    nonce: /\bnonce="([^"]+)"/.exec(match[1])?.[1],
    text: match[2],
  }));
}

describe('the status page, served by a real orchestrator', () => {
  let world: WebWorld;
  let orchestrator: OrchestratorProcess;

  beforeAll(async () => {
    world = await WebWorld.start({ env: ENV, hostCount: 1, port: 18280, greeting: GREETING });
    orchestrator = world.orchestrator;
  });

  afterAll(() => world?.stop());

  it.each(['/', '/ui'])('serves %s as HTML whose only script runs under the nonce of its policy', async (path) => {
    const response = await fetch(`${orchestrator.url}${path}`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/default-src 'none'/);
    expect(policy).toMatch(/connect-src 'self'/);
    const scripts = scriptsOf(html);
    expect(scripts).toHaveLength(1);
    expect(scripts[0].nonce).toBeDefined();
    expect(policy).toContain(`script-src 'nonce-${scripts[0].nonce}'`);
    expect(() => new Script(scripts[0].text, { filename: 'page.js' })).not.toThrow();
  });

  it('opens a followed log at once, before the container prints anything more', async () => {
    const abort = new AbortController();
    try {
      const answer = await fetch(`${orchestrator.url}/v1/envs/${ENV}/jobs/web/logs?task=0&tail=0&follow=true`, { signal: abort.signal });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    } finally {
      abort.abort();
    }
  });

  it('gives every answer a fresh nonce', async () => {
    const [first, second] = await Promise.all([fetch(`${orchestrator.url}/`), fetch(`${orchestrator.url}/`)]);
    expect(first.headers.get('content-security-policy')).not.toBe(second.headers.get('content-security-policy'));
  });

  it('answers 200 on every API path the served script reads', async () => {
    const [script] = scriptsOf(await (await fetch(`${orchestrator.url}/`)).text());
    for (const { name, path } of pagePaths(ENV, 'web', 0)) {
      expect(script.text).toContain(JSON.stringify(PAGE_API[name as keyof typeof PAGE_API]));
      const answer = await get(`${orchestrator.url}${path}`, { until: GREETING });
      expect({ name, status: answer.status }).toEqual({ name, status: 200 });
      expect(answer.contentType).toMatch(name === 'logs' ? /^text\/plain/ : /^application\/json/);
      if (name === 'logs') expect(answer.body).toContain(GREETING);
    }
  });

  it('lists the environments that declared hosts', async () => {
    const answer = await orchestrator.request<string[]>('GET', '/v1/envs');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([ENV]);
  });

  it('keeps the page out of the OpenAPI document and /v1/envs in it', async () => {
    const openapi = await orchestrator.request<{ paths: Record<string, unknown> }>('GET', '/openapi.json');
    expect(Object.keys(openapi.body.paths)).toContain('/v1/envs');
    expect(Object.keys(openapi.body.paths)).not.toContain('/');
  });
});

describe('the status page behind tokens', () => {
  let orchestrator: OrchestratorProcess;

  beforeAll(async () => {
    orchestrator = await OrchestratorProcess.start({ env: { CJ_TOKEN: OPERATOR, CJ_READ_TOKEN: READER } });
  });
  afterAll(() => orchestrator?.stop());

  it('loads the page without a token', async () => {
    for (const path of ['/', '/ui']) {
      const answer = await get(`${orchestrator.url}${path}`);
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
      expect(answer.contentType).toMatch(/^text\/html/);
    }
  });

  it('answers 401 on every API path the page reads without a token, and 200 with the read-only one', async () => {
    for (const { name, path } of pagePaths('anything', 'web', 0)) {
      const refused = await get(`${orchestrator.url}${path}`);
      expect({ name, status: refused.status }).toEqual({ name, status: 401 });
      expect(refused.body).toMatchObject({ hint: expect.stringMatching(/Bearer/) });
    }
    const envs = await get(`${orchestrator.url}${PAGE_API.environments}`, { headers: { authorization: `Bearer ${READER}` } });
    expect(envs).toMatchObject({ status: 200, body: [] });
  });
});
