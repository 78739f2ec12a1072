import type { RolloutView } from '@cj/domain';
import { DEMO_REGISTRY } from '@cj/docker-adapter/testing';
import Docker from 'dockerode';
import { waitUntil } from '../testing';
import { StatusPageDom, TOKEN_KEY } from './status-page-dom';
import { WebWorld } from './web-page-world';

jest.setTimeout(60_000);

const ENV = 'web-dom';
const PORT = 18281;
const OPERATOR = 'operator-token-dom-0123456789';
const READER = 'reader-token-dom-0123456789';
/** Markup a container might print: the page must show it as text and never build an element of it. */
const MARKUP = '<img src=x onerror=document.title=1>';
const GREETING = `web task ready ${MARKUP}`;

/** The cells a person checks in a task row: job, task, host:port, desired, observed, state, health. */
const taskCells = (page: StatusPageDom) => page.rows('tasks').map((row) => row.slice(0, 7));

describe('the status page running in a browser against a real orchestrator', () => {
  let world: WebWorld;
  const opened: StatusPageDom[] = [];

  const open = async (token?: string): Promise<StatusPageDom> => {
    const page = await StatusPageDom.open(world.url, { token });
    opened.push(page);
    return page;
  };
  const expectedTasks = (revision: number, tag: string) =>
    world.hosts.map((host, task) => ['web', String(task), `${host.name}:${PORT}`, `r${revision} cj-demo:${tag} (running)`, `r${revision}`, 'running', 'healthy']);
  const allUpAt = (revision: number, tag: string) => (cells: string[][]) => JSON.stringify(cells) === JSON.stringify(expectedTasks(revision, tag));

  beforeAll(async () => {
    world = await WebWorld.start({ env: ENV, hostCount: 2, port: PORT, greeting: GREETING, tokens: { operator: OPERATOR, reader: READER } });
  });

  // A page left open would go on refreshing every 2 s: each test closes the ones it opened.
  afterEach(() => Promise.all(opened.splice(0).map((page) => page.close())));
  afterAll(() => world?.stop());

  it('asks for a token on 401, refuses a wrong one, and loads the data with the read-only one, kept in this tab', async () => {
    const page = await open();
    const form = page.byId<HTMLFormElement>('token-form');
    const input = page.byId<HTMLInputElement>('token');
    const submit = form.querySelector('button[type=submit]') as HTMLButtonElement;
    await waitUntil(async () => form.hidden, (hidden) => !hidden);
    expect(form.hidden).toBe(false);
    expect(page.text('token-reason')).toMatch(/Bearer/);
    expect(page.rows('tasks')).toEqual([]);

    input.value = 'wrong-token-0123456789';
    submit.click();
    expect(form.hidden).toBe(true);
    await waitUntil(async () => form.hidden, (hidden) => !hidden);
    expect(form.hidden).toBe(false);
    expect(page.window.sessionStorage.getItem(TOKEN_KEY)).toBeNull();

    input.value = READER;
    submit.click();
    const cells = await waitUntil(async () => taskCells(page), (rows) => rows.length === world.hosts.length);
    expect(cells.map((row) => row[0])).toEqual(['web', 'web']);
    expect(form.hidden).toBe(true);
    expect(input.value).toBe('');
    expect(page.window.sessionStorage.getItem(TOKEN_KEY)).toBe(READER);
    expect(page.byId<HTMLSelectElement>('env').value).toBe(ENV);
  });

  it('shows the environment, its hosts, and each task with host:port, revision, state and health', async () => {
    const page = await open(READER);
    const cells = await waitUntil(async () => taskCells(page), allUpAt(1, 'v1'));
    expect(cells).toEqual(expectedTasks(1, 'v1'));
    const picker = page.byId<HTMLSelectElement>('env');
    expect([...picker.options].map((option) => option.textContent)).toEqual([ENV]);
    expect(picker.value).toBe(ENV);
    expect(new URL(page.window.location.href).searchParams.get('env')).toBe(ENV);
    expect(page.rows('hosts').map((row) => row.slice(0, 3))).toEqual(world.hosts.map((host) => [host.name, host.address, 'reachable']));
    expect(page.text('updated')).toMatch(/^updated /);
    expect(page.byId('problem').hidden).toBe(true);
  });

  it('shows a rolling update in the rollouts section and its new revision in the tasks table', async () => {
    const page = await open(READER);
    await waitUntil(async () => taskCells(page), allUpAt(1, 'v1'));
    expect(page.rows('rollouts')).toEqual([['No rollouts yet.']]);

    const started = await world.operate<RolloutView>('POST', `/v1/envs/${ENV}/jobs/web/rolling-update`, { tag: 'v2' });
    expect(started.status).toBe(200);
    const rolloutRow = () => page.rows('rollouts').find((row) => row[1] === started.body.id.slice(0, 8));
    const shown = await waitUntil(async () => rolloutRow(), (row) => row !== undefined);
    expect(shown?.slice(1, 4)).toEqual([started.body.id.slice(0, 8), 'web', 'r1 → r2']);
    expect(['running', 'succeeded']).toContain(shown?.[4]);

    const done = await waitUntil(async () => rolloutRow(), (row) => row?.[4] === 'succeeded', 45_000);
    expect(done?.slice(4, 6)).toEqual(['succeeded', '2/2 updated']);
    const cells = await waitUntil(async () => taskCells(page), allUpAt(2, 'v2'));
    expect(cells).toEqual(expectedTasks(2, 'v2'));
    const ended = await waitUntil(async () => page.rows('audit'), (rows) => rows.some((row) => row[1] === 'JobRolloutEnded'));
    expect(ended.find((row) => row[1] === 'JobRolloutEnded')?.slice(2)).toEqual([
      'orchestrator',
      expect.stringContaining(`rolloutId=${started.body.id}`),
      `rollout ${started.body.id} succeeded`,
    ]);
  });

  it("follows a task's log when its logs button is clicked, showing markup in it as text only", async () => {
    const page = await open(READER);
    await waitUntil(async () => page.rowElements('tasks').length, (rows) => rows === world.hosts.length);
    const title = page.document.title;
    const [first] = page.rowElements('tasks');
    (first.querySelector('button') as HTMLButtonElement).click();

    const log = await waitUntil(async () => page.text('log-text'), (text) => text.includes(GREETING), 10_000);
    expect(log).toContain(GREETING);
    expect(page.text('log-title')).toBe(`web task 0 on ${world.hosts[0].name}`);
    expect(page.text('log-state')).toBe('following');
    expect(page.byId('log-text').children).toHaveLength(0);
    expect(page.document.querySelectorAll('img')).toHaveLength(0);
    expect(page.document.title).toBe(title);

    page.byId('log-stop').click();
    expect(page.text('log-state')).toBe('stopped');
    expect(page.byId('log-stop').hidden).toBe(true);
  });

  it("lists a container no task accounts for under the tasks while it runs, its name as text", async () => {
    const page = await open(READER);
    await waitUntil(async () => page.rowElements('tasks').length, (rows) => rows === world.hosts.length);
    expect(page.byId('unexpected').hidden).toBe(true);

    const host = world.hosts[1];
    const stray = await new Docker({ socketPath: host.socketPath }).createContainer({
      name: 'web-debug',
      Image: `${DEMO_REGISTRY}/cj-demo:v1`,
      Env: [`PORT=${PORT + 7}`],
      Labels: { 'cj.env': ENV, 'cj.job': 'web', 'cj.task': '0', 'cj.revision': '9' },
      HostConfig: { NetworkMode: 'host', Init: true },
    });
    await stray.start();
    try {
      const rows = await waitUntil(async () => page.rows('unexpected-containers'), (r) => r.length === 1 && r[0][0] === host.name, 15_000);
      expect(rows.map((row) => row.slice(0, 6))).toEqual([[host.name, 'web', '0', 'r9', stray.id.slice(0, 12), 'web-debug']]);
      expect(page.byId('unexpected').hidden).toBe(false);
    } finally {
      await stray.remove({ force: true });
    }
    await waitUntil(async () => page.byId('unexpected').hidden === true, (hidden) => hidden, 15_000);
    expect(page.byId('unexpected').hidden).toBe(true);
  });
});
