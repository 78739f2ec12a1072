import { Script } from 'node:vm';
import { PAGE_API } from './page-api';
import { pageHeaders, renderPage } from './page';

const NONCE = 'bm9uY2Utb2YtYS10ZXN0';

/** The inline elements of a page: each tag's attributes and its text. */
function inlineElements(html: string, tag: 'script' | 'style'): { attributes: string; text: string }[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b([^>]*)>([\\s\\S]*?)</${tag}>`, 'gi'))].map((match) => ({ attributes: match[1], text: match[2] }));
}

describe('the status page', () => {
  const html = renderPage(NONCE);
  const [script] = inlineElements(html, 'script');

  it('has one script and one stylesheet, both under the nonce the policy names', () => {
    const policy = pageHeaders(NONCE)['Content-Security-Policy'];
    expect(policy).toContain(`script-src 'nonce-${NONCE}'`);
    expect(policy).toContain(`style-src 'nonce-${NONCE}'`);
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(inlineElements(html, 'script').map((element) => element.attributes.trim())).toEqual([`nonce="${NONCE}"`]);
    expect(inlineElements(html, 'style').map((element) => element.attributes.trim())).toEqual([`nonce="${NONCE}"`]);
  });

  it('loads nothing from elsewhere and has no inline handlers or style attributes', () => {
    expect(html).not.toMatch(/\s(src|href)=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/\sstyle=/i);
  });

  it('has a script that compiles', () => {
    expect(() => new Script(script.text, { filename: 'page.js' })).not.toThrow();
  });

  it('shows control characters and bidi overrides of recorded text escaped, in every element it fills', () => {
    const definitions = /const UNPRINTABLE = [^\n]+\nconst printable = [\s\S]*?\n  }\);\n/.exec(script.text)?.[0];
    expect(definitions).toBeDefined();
    expect(script.text).toMatch(/node\.textContent = printable\(String\(text\)\)/);
    const printed = new Script(`${definitions}printable(input)`).runInNewContext({ input: 'mallory\u001b]0;owned\u0007 \r\u202eok' });
    expect(printed).toBe('mallory\\x1b]0;owned\\x07 \\x0d\\u202eok');
  });

  it('renders data as text only, never as markup', () => {
    expect(script.text).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });

  it('calls exactly the API paths of PAGE_API, and only with GET', () => {
    const embedded = [...script.text.matchAll(/"(\/v1\/[^"]*)"/g)].map((match) => match[1]);
    expect(embedded.sort()).toEqual(Object.values(PAGE_API).sort());
    expect(Object.values(PAGE_API).every((path) => path.startsWith('/v1/'))).toBe(true);
    expect(script.text).not.toMatch(/method\s*:/);
    expect(script.text.match(/fetch\(/g)).toHaveLength(1);
  });

  it('forbids caching, sniffing and framing', () => {
    expect(pageHeaders(NONCE)).toMatchObject({
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
    });
  });
});
