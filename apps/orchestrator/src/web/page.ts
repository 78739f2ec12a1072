import { PAGE_API } from './page-api';
import { pageScript } from './page-script';
import { PAGE_STYLE } from './page-style';

/**
 * The status page is kept as TypeScript string modules rather than a .html file: tsc emits only
 * .ts, so the page travels with every build (dist/, Jest, the bin) without a copy step.
 */
const SCRIPT = pageScript(PAGE_API);

/** Headers of the page: only its own nonce-bearing elements run, it reads only from this origin. */
export function pageHeaders(nonce: string): Record<string, string> {
  const policy = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': policy,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    // A fresh nonce per answer: a cached page would carry a stale one.
    'Cache-Control': 'no-store',
  };
}

/** The whole page: markup, style and script in one answer, the two inline elements under `nonce`. */
export function renderPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cj</title>
<style nonce="${nonce}">${PAGE_STYLE}</style>
</head>
<body>
<header>
  <h1>cj</h1>
  <label>environment <select id="env"></select></label>
  <span id="updated" class="muted"></span>
</header>
<p id="problem" class="problem" hidden></p>
<form id="token-form" class="token" hidden>
  <p id="token-reason"></p>
  <label>Bearer token (the read-only one is enough) <input id="token" type="password" autocomplete="off"></label>
  <button type="submit">Use it</button>
  <span class="muted">kept in this tab only (sessionStorage)</span>
</form>
<main>
  <h2>Tasks <span class="muted">desired and observed, every 2 s</span></h2>
  <table>
    <thead><tr><th>job</th><th>task</th><th>host:port</th><th>desired</th><th>observed</th><th>state</th><th>health</th><th>memory</th><th>up</th><th></th></tr></thead>
    <tbody id="tasks"></tbody>
  </table>
  <section id="unexpected" hidden>
    <h2>Not cj's <span class="muted">left running; cj never stops them</span></h2>
    <table>
      <thead><tr><th>host</th><th>job</th><th>task</th><th>revision</th><th>container</th><th>name</th><th>up</th></tr></thead>
      <tbody id="unexpected-containers"></tbody>
    </table>
  </section>
  <h2>Hosts</h2>
  <table>
    <thead><tr><th>host</th><th>address</th><th>engine</th><th>version</th><th>containers</th><th>seen</th></tr></thead>
    <tbody id="hosts"></tbody>
  </table>
  <h2>Rollouts <span class="muted">newest first</span></h2>
  <table>
    <thead><tr><th>started</th><th>id</th><th>job</th><th>revisions</th><th>phase</th><th>progress</th><th>reason</th></tr></thead>
    <tbody id="rollouts"></tbody>
  </table>
  <h2>Logs <span id="log-title" class="muted">pick a task's logs above</span> <span id="log-state" class="muted"></span> <button id="log-stop" type="button" hidden>stop following</button></h2>
  <pre id="log-text"></pre>
  <h2>Audit log <span class="muted">latest 50, newest first</span></h2>
  <table>
    <thead><tr><th>at</th><th>event</th><th>actor</th><th>what</th><th>reason</th></tr></thead>
    <tbody id="audit"></tbody>
  </table>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}
