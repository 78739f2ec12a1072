/// <reference lib="dom" />
// The functions given to page.evaluate run in the browser.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (tools/infra/chromium.sh installs it); no browser is ever downloaded. */
export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Serious or critical accessibility findings of axe-core on a page. */
export interface AxeFinding {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: readonly string[];
}

/**
 * Headless Chromium with a fresh profile, for the web console's end-to-end tests. Screenshots
 * go under `screenshots` (test output); every policy violation the browser reports is kept.
 */
export class ConsoleBrowser {
  readonly policyViolations: string[] = [];
  private shot = 0;

  private constructor(
    private readonly context: BrowserContext,
    private readonly profile: string,
    private readonly screenshots: string,
  ) {}

  static async start(screenshots: string): Promise<ConsoleBrowser> {
    const profile = mkdtempSync(join(tmpdir(), 'cj-chromium-'));
    mkdirSync(screenshots, { recursive: true });
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 800 },
    });
    const browser = new ConsoleBrowser(context, profile, screenshots);
    context.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) browser.policyViolations.push(message.text());
    });
    return browser;
  }

  /** A new tab (its own sessionStorage: a token given in one is not known in another). */
  async page(url: string): Promise<Page> {
    const page = await this.context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) this.policyViolations.push(message.text());
    });
    await page.goto(url);
    return page;
  }

  async screenshot(page: Page, name: string): Promise<void> {
    this.shot += 1;
    await page.screenshot({
      path: join(this.screenshots, `${String(this.shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  }

  /** Runs axe-core in the page (evaluated over the DevTools protocol, outside the page's policy). */
  async accessibility(page: Page): Promise<AxeFinding[]> {
    const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    await page.evaluate(source);
    return page.evaluate(async () => {
      const axe = (
        globalThis as unknown as {
          axe: {
            run: (
              context: unknown,
              options: unknown,
            ) => Promise<{
              violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
            }>;
          };
        }
      ).axe;
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return result.violations
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map((violation) => ({
          id: violation.id,
          impact: violation.impact ?? '',
          help: violation.help,
          targets: violation.nodes.map((node) => node.target.join(' ')),
        }));
    });
  }

  async stop(): Promise<void> {
    await this.context.close();
    rmSync(this.profile, { recursive: true, force: true });
  }
}
