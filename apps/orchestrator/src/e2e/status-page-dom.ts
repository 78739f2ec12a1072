import { JSDOM } from 'jsdom';

/** Where the page's script keeps a token it was given (sessionStorage). */
export const TOKEN_KEY = 'cj.token';

export interface OpenPageOptions {
  /** A token given in this tab before: the page starts with it in sessionStorage. */
  readonly token?: string;
}

/**
 * The status page as a browser would run it, in jsdom: the HTML served by a real orchestrator, its
 * script run, and its fetches going to that orchestrator through Node's own fetch (jsdom has none).
 */
export class StatusPageDom {
  private constructor(
    private readonly dom: JSDOM,
    private readonly closing: AbortController,
  ) {}

  static async open(baseUrl: string, options: OpenPageOptions = {}): Promise<StatusPageDom> {
    const served = await fetch(`${baseUrl}/`);
    if (served.status !== 200) throw new Error(`GET ${baseUrl}/ answered ${served.status}, not the page`);
    const closing = new AbortController();
    const dom = new JSDOM(await served.text(), {
      url: `${baseUrl}/`,
      runScripts: 'dangerously',
      // Without it jsdom reports the document hidden, and the page does not refresh a hidden tab.
      pretendToBeVisual: true,
      beforeParse(window) {
        if (options.token !== undefined) window.sessionStorage.setItem(TOKEN_KEY, options.token);
        Object.assign(window, { fetch: orchestratorFetch(baseUrl, closing.signal), TextDecoderStream });
      },
    });
    return new StatusPageDom(dom, closing);
  }

  get window(): JSDOM['window'] {
    return this.dom.window;
  }

  get document(): Document {
    return this.dom.window.document;
  }

  byId<T extends HTMLElement = HTMLElement>(id: string): T {
    const found = this.document.getElementById(id);
    if (!found) throw new Error(`the page has no element #${id}`);
    return found as T;
  }

  /** The text of `#id`, as a person reads it. */
  text(id: string): string {
    return this.byId(id).textContent ?? '';
  }

  /** The rows of table body `#id`, each as its cells' texts, trimmed as a person reads them. */
  rows(id: string): string[][] {
    return [...this.byId(id).querySelectorAll('tr')].map((row) => [...row.querySelectorAll('td')].map((cell) => (cell.textContent ?? '').trim()));
  }

  /** The table body `#id`'s rows as elements, for their buttons and classes. */
  rowElements(id: string): HTMLTableRowElement[] {
    return [...this.byId(id).querySelectorAll('tr')];
  }

  /**
   * Closes the page as a browser closes a tab. Every open request (the followed log never ends by
   * itself) is aborted while the window still runs, so the script's handlers see the abort; only
   * then are its timers cleared. A request made after that never settles: no script runs later.
   */
  async close(): Promise<void> {
    this.closing.abort();
    await new Promise((resolve) => setTimeout(resolve, 100));
    this.dom.window.close();
  }
}

/**
 * The page's `fetch`: Node's, with relative URLs resolved against the orchestrator. jsdom's
 * AbortSignal is not Node's, so an abort from the page is passed on through a Node controller;
 * `closing` ends every request at once.
 */
function orchestratorFetch(baseUrl: string, closing: AbortSignal) {
  return (input: string | URL, init: RequestInit = {}): Promise<Response> => {
    const aborted = new AbortController();
    init.signal?.addEventListener('abort', () => aborted.abort());
    if (init.signal?.aborted) aborted.abort();
    if (closing.aborted) return new Promise<Response>(() => undefined);
    return fetch(new URL(String(input), baseUrl), { ...init, signal: AbortSignal.any([closing, aborted.signal]) });
  };
}
