/// <reference lib="dom" />
// The functions given to page.evaluate run in the browser.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { AuditEntry, RolloutReplay, RolloutView } from '@cj/api';
import { waitUntil } from '../testing';
import { ConsoleBrowser } from '../testing/console-browser';
import { bearer, WebWorld } from './web-page-world';

// Generous: the hosts and the browser start slowly on a loaded machine.
jest.setTimeout(420_000);

const ENV = 'console-e2e';
const OPERATOR = 'operator-token-console-0123456789';
const VIEWER = 'viewer-token-console-0123456789';
const GREETING = 'console task ready';
const SCREENSHOTS = join(__dirname, '../../../../dist/test-output/web-console');

/** Text of every cell `selector` matches, in order. */
const cells = (page: Page, selector: string) => page.locator(selector).allTextContents();

async function signIn(page: Page, token: string): Promise<void> {
  await page.locator('#token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Scripts the page has fetched so far. */
const scriptsLoaded = (page: Page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((name) => name.endsWith('.js')),
  );

/** Marks the document: a reload would lose the mark, so "no reload" is checked, not assumed. */
const markDocument = (page: Page) =>
  page.evaluate(() => ((window as unknown as { cjMark: string }).cjMark = 'same document'));
const documentMark = (page: Page) => page.evaluate(() => (window as unknown as { cjMark?: string }).cjMark);

/** Starts a rolling update of job web from the page: the update screen, a tag, a reason. */
async function rollingUpdate(page: Page, tag: string, reason: string): Promise<void> {
  await page.getByRole('button', { name: 'update…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Rolling update of web' });
  await dialog.locator('#update-tag').selectOption(tag);
  await dialog.getByLabel('Reason (recorded in the audit)').fill(reason);
  await dialog.getByRole('button', { name: 'update' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

describe('the web console in Chromium, against a real orchestrator on fake hosts', () => {
  let world: WebWorld;
  let browser: ConsoleBrowser;
  let page: Page;

  beforeAll(async () => {
    world = await WebWorld.start({
      env: ENV,
      hostCount: 2,
      port: 18380,
      greeting: GREETING,
      tokens: { operator: OPERATOR, reader: VIEWER },
    });
    browser = await ConsoleBrowser.start(SCREENSHOTS);
    page = await browser.page(`${world.url}/?env=${ENV}`);
  });

  afterAll(async () => {
    await browser?.stop();
    await world?.stop();
  });

  it('asks for a token, then shows the tasks running, live', async () => {
    await page.locator('#token-form').waitFor();
    await browser.screenshot(page, 'sign-in');
    await signIn(page, OPERATOR);
    await page.locator('#who', { hasText: 'bootstrap (operator)' }).waitFor();
    await page.locator('#live', { hasText: /^live$/ }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#tasks td[data-cell="state"].running').length === 2);
    expect(await cells(page, '#tasks td[data-cell="observed-revision"]')).toEqual(['r1', 'r1']);
    await browser.screenshot(page, 'tasks');
    // The terminal's script comes with the first shell, not with the page.
    expect((await scriptsLoaded(page)).filter((name) => /\/assets\/terminal-/.test(name))).toEqual([]);
  });

  it('starts a rolling update from the page and shows it progress to succeeded without a reload', async () => {
    await markDocument(page);
    const phases = new Set<string>();
    const watch = setInterval(() => {
      page
        .locator('#rollout-tasks td[data-cell="phase"]')
        .allTextContents()
        .then(
          (seen) => seen.forEach((phase) => phases.add(phase)),
          () => undefined,
        );
    }, 50);
    try {
      await rollingUpdate(page, 'v2', 'ship v2 from the console');
      await page
        .locator('#rollout-phase', { hasText: 'running' })
        .or(page.locator('#rollout-phase', { hasText: 'succeeded' }))
        .waitFor();
      await browser.screenshot(page, 'rollout-running');
      await page.locator('#rollout-phase', { hasText: 'succeeded' }).waitFor({ timeout: 60_000 });
    } finally {
      clearInterval(watch);
    }
    expect(await documentMark(page)).toBe('same document');
    expect(await cells(page, '#rollout-tasks td[data-cell="phase"]')).toEqual(['updated', 'updated']);
    // The page saw steps before the end: a task in flight while the other was not yet updated.
    expect([...phases].some((phase) => phase !== 'updated')).toBe(true);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('#tasks td[data-cell="observed-revision"]')].every(
        (cell) => cell.textContent === 'r2',
      ),
    );
    await page.locator('#audit td', { hasText: 'ship v2 from the console' }).first().waitFor();
    await browser.screenshot(page, 'rollout-succeeded');

    const audit = await world.operate<AuditEntry[]>('GET', `/v1/envs/${ENV}/audit?limit=200`);
    expect(
      audit.body.filter((entry) => entry.reason === 'ship v2 from the console').map((entry) => entry.actor),
    ).toContain('bootstrap');
  });

  it('shows a broken tag rolled back on screen', async () => {
    await rollingUpdate(page, 'unhealthy', 'try the unhealthy build');
    await page.locator('#rollout-phase', { hasText: 'rolled-back' }).waitFor({ timeout: 90_000 });
    expect(await documentMark(page)).toBe('same document');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('#tasks td[data-cell="observed-revision"]')].every(
        (cell) => cell.textContent === 'r2',
      ),
    );
    await browser.screenshot(page, 'rolled-back');
  });

  it('replays the rolled-back rollout from its log, step by step, with the keyboard', async () => {
    await page.locator('#replay-open').click();
    const slider = page.locator('#replay-slider');
    await slider.waitFor();
    // Step 1 is the rollout's start: every task still to do, none touched.
    expect(await page.locator('#replay-event strong').textContent()).toBe('RolloutStarted');
    expect(new Set(await cells(page, '#replay-tasks td[data-cell="phase"]'))).toEqual(new Set(['pending']));
    const seen = new Set<string>();
    const note = async () =>
      (await cells(page, '#replay-tasks td[data-cell="phase"]')).forEach((phase) => seen.add(phase));
    await slider.focus();
    const steps = Number(await slider.getAttribute('max')) + 1;
    for (let step = 1; step < steps; step++) {
      await page.keyboard.press('ArrowRight');
      await page.locator('#replay-step', { hasText: `${step + 1} of ${steps}` }).waitFor();
      await note();
    }
    expect(await page.locator('#replay-phase').textContent()).toBe('rolled-back');
    // On the way: a task in flight, and the check that failed it.
    expect([...seen].some((phase) => phase !== 'pending' && phase !== 'rolled-back')).toBe(true);
    await page.keyboard.press('Home');
    await page.locator('#replay-step', { hasText: `1 of ${steps}` }).waitFor();
    await browser.screenshot(page, 'rollout-replay');
    // The replay's last step is what the rollouts projection holds: a replay says what the read model says.
    const [newest] = (await world.operate<RolloutView[]>('GET', `/v1/envs/${ENV}/rollouts`)).body;
    const replay = await world.operate<RolloutReplay>('GET', `/v1/envs/${ENV}/rollouts/${newest.id}/replay`);
    expect(replay.body.steps).toHaveLength(steps);
    expect(replay.body.steps.at(-1)?.view).toEqual(newest);
  });

  it('reaches every control with the keyboard alone, each with a visible focus', async () => {
    await page.locator('.skip').focus();
    const visited: { label: string; outline: string }[] = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      visited.push(
        await page
          .evaluate(() => {
            // Past the last control, focus leaves the page (the body): not a control.
            const active = document.activeElement as HTMLElement | null;
            const element = active === document.body ? null : active;
            const style = element ? getComputedStyle(element) : undefined;
            return {
              label: element ? (element.getAttribute('aria-label') ?? element.id ?? '') : '',
              text: element?.textContent?.trim().slice(0, 40) ?? '',
              outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : 'n/a',
            };
          })
          .then((seen) => ({ label: seen.label || seen.text, outline: seen.outline })),
      );
    }
    const labels = visited.map((v) => v.label);
    for (const control of [
      'env',
      'update…',
      'shell into web task 0',
      'logs of web task 0',
      'replay-slider',
      'time-slider',
    ]) {
      expect(labels).toContain(control);
    }
    expect(
      visited.filter((v) => v.outline !== 'n/a' && (v.outline.startsWith('none') || v.outline.endsWith(' 0px'))),
    ).toEqual([]);
  });

  it('moves nothing on screen while live data arrives (no layout shift)', async () => {
    // Chromium's layout-shift entries, buffered since the page loaded; shifts right after input do not count.
    const shifts = await page.evaluate(
      () =>
        new Promise<{ value: number; at: number }[]>((resolve) => {
          const seen: { value: number; at: number }[] = [];
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries() as unknown as {
              value: number;
              hadRecentInput: boolean;
              startTime: number;
            }[]) {
              if (!entry.hadRecentInput) seen.push({ value: entry.value, at: entry.startTime });
            }
          }).observe({ type: 'layout-shift', buffered: true });
          setTimeout(() => resolve(seen), 500);
        }),
    );
    // Cumulative layout shift as the web's own measure defines it: the worst session window (shifts
    // less than 1 s apart, at most 5 s long), over sign-in and two live rollouts; below 0.1 is "good".
    let worst = 0;
    let session = { start: -Infinity, last: -Infinity, sum: 0 };
    for (const shift of shifts) {
      if (shift.at - session.last > 1000 || shift.at - session.start > 5000)
        session = { start: shift.at, last: shift.at, sum: 0 };
      session = { ...session, last: shift.at, sum: session.sum + shift.value };
      worst = Math.max(worst, session.sum);
    }
    expect(worst).toBeLessThan(0.1);
  });

  it('moves the time slider to before the first rollout and reads the old revision per task', async () => {
    const rollouts = await world.operate<RolloutView[]>('GET', `/v1/envs/${ENV}/rollouts`);
    const first = rollouts.body[rollouts.body.length - 1];
    const before = Date.parse(first.startedAt) - 500;
    await page.locator('#time-slider').evaluate((slider: HTMLInputElement, at: number) => {
      slider.value = String(at);
      slider.dispatchEvent(new Event('input', { bubbles: true }));
    }, before);
    await page.waitForFunction(() => {
      const revisions = [...document.querySelectorAll('#timeline td[data-cell="revision"]')].map(
        (cell) => cell.textContent,
      );
      return revisions.length === 2 && revisions.every((revision) => revision === 'r1');
    });
    await browser.screenshot(page, 'time-travel');
  });

  it("follows a task's log", async () => {
    await page.getByRole('button', { name: 'logs of web task 0' }).click();
    await page.locator('#log-state', { hasText: 'following' }).waitFor();
    await page.locator('#log-text', { hasText: GREETING }).waitFor();
    await browser.screenshot(page, 'logs');
  });

  it("opens a shell into a task's container from the page, and reads the answer", async () => {
    await page.getByRole('button', { name: 'shell into web task 0' }).click();
    await page.getByRole('button', { name: 'Open' }).click();
    await page.locator('#shell-state', { hasText: /^connected$/ }).waitFor();
    expect((await scriptsLoaded(page)).filter((name) => /\/assets\/terminal-/.test(name))).toHaveLength(1);
    await page.locator('#terminal .xterm-rows', { hasText: '#' }).waitFor();
    await page.locator('#terminal textarea').focus();
    await page.keyboard.type('echo "host=$HOSTNAME"; cat /proc/1/cmdline; echo\n');
    await page.locator('#terminal .xterm-rows', { hasText: /host=h\d+/ }).waitFor();
    await page.locator('#terminal .xterm-rows', { hasText: 'docker-init' }).waitFor();
    await browser.screenshot(page, 'shell');
    await page.keyboard.type('exit 0\n');
    await page.locator('#shell-state', { hasText: 'exited with code 0' }).waitFor();
    const shellRows = () =>
      world
        .operate<AuditEntry[]>('GET', `/v1/envs/${ENV}/audit?limit=200`)
        .then((answer) => answer.body.filter((entry) => entry.type.startsWith('ShellSession')));
    const rows = await waitUntil(shellRows, (seen) => seen.length >= 2);
    expect(rows.map((entry) => [entry.type, entry.actor])).toEqual([
      ['ShellSessionStarted', 'bootstrap'],
      ['ShellSessionEnded', 'bootstrap'],
    ]);
    await page.getByRole('button', { name: 'Close the shell' }).click();
  });

  it('reports no policy violation and no serious accessibility finding, at 1280x800 and on a phone', async () => {
    expect(browser.policyViolations).toEqual([]);
    expect(await browser.accessibility(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await browser.accessibility(page)).toEqual([]);
    await browser.screenshot(page, 'phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows a viewer no action and refuses its changes', async () => {
    const viewer = await browser.page(`${world.url}/?env=${ENV}`);
    await signIn(viewer, VIEWER);
    await viewer.locator('#who', { hasText: 'read-only (viewer)' }).waitFor();
    await viewer.waitForFunction(() => document.querySelectorAll('#tasks td[data-cell="state"].running').length === 2);
    expect(await viewer.getByRole('button', { name: /update…|rollback…|shell/ }).count()).toBe(0);
    // The endpoint itself refuses the viewer's token: the socket never opens.
    const outcome = await viewer.evaluate(async (token: string) => {
      const encoded = btoa(token).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      const socket = new WebSocket(`ws://${location.host}/v1/envs/console-e2e/jobs/web/exec?cmd=true`, [
        'cj.exec.v1',
        `bearer.${encoded}`,
      ]);
      return new Promise<string>((resolve) => {
        socket.onopen = () => resolve('opened');
        socket.onclose = () => resolve('refused');
      });
    }, VIEWER);
    expect(outcome).toBe('refused');
    const refused = await world.orchestrator.request(
      'POST',
      `/v1/envs/${ENV}/jobs/web/rollback`,
      { actor: 'viewer@web-console', commandId: crypto.randomUUID() },
      bearer(VIEWER),
    );
    expect(refused.status).toBe(403);
    await browser.screenshot(viewer, 'viewer');
    await viewer.close();
  });
});
