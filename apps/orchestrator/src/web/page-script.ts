import type { PageApi } from './page-api';

/**
 * The status page's script: vanilla JS for any current browser, no build step. It only reads (GETs
 * the paths of `api`), renders with textContent and createElement (never markup from data), and
 * keeps a bearer token in sessionStorage once a 401 asked for one.
 *
 * `<` is escaped in the embedded paths so that no data can end the script element.
 */
export function pageScript(api: PageApi): string {
  const paths = JSON.stringify(api).replace(/</g, '\\u003c');
  return String.raw`
'use strict';
const API = ${paths};
const TOKEN_KEY = 'cj.token';
const REFRESH_MS = 2000;
/** Characters of log kept on the page; older text is dropped as new lines arrive. */
const LOG_LIMIT = 200000;

const byId = (id) => document.getElementById(id);
/** round: the latest refresh; an older one that answers late renders nothing. */
const page = { env: '', timer: 0, round: 0, logs: null };

class Unauthenticated extends Error {}

function fill(template, params) {
  return template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(String(params[name])));
}

function authorization() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: 'Bearer ' + token } : {};
}

async function problemOf(response) {
  try {
    const problem = await response.json();
    return problem.detail + (problem.hint ? ' (' + problem.hint + ')' : '');
  } catch {
    return response.status + ' ' + response.statusText;
  }
}

async function get(url, signal) {
  const response = await fetch(url, { headers: authorization(), cache: 'no-store', signal });
  if (response.status === 401) throw new Unauthenticated(await problemOf(response));
  if (!response.ok) throw new Error(url + ': ' + (await problemOf(response)));
  return response;
}

const getJson = async (url) => (await get(url)).json();

// Recorded text may hold control characters and bidirectional overrides: shown escaped (\\x1b,
// \\u202e), as the CLI shows them, so a line can neither hide nor reorder what it says.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const printable = (text) =>
  text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? '\\x' + code.toString(16).padStart(2, '0') : '\\u' + code.toString(16).padStart(4, '0');
  });

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = printable(String(text));
  if (className) node.className = className;
  return node;
}

function tableRow(cells) {
  const row = document.createElement('tr');
  for (const cell of cells) row.append(cell instanceof Node ? cell : element('td', cell));
  return row;
}

function cell(text, className) {
  return element('td', text, className);
}

function cellWith(node) {
  const td = element('td');
  td.append(node);
  return td;
}

function fillTable(id, rows, columns, emptyText) {
  const body = byId(id);
  if (rows.length > 0) {
    body.replaceChildren(...rows);
    return;
  }
  const empty = cell(emptyText, 'empty');
  empty.colSpan = columns;
  body.replaceChildren(tableRow([empty]));
}

function mebibytes(bytes) {
  return bytes === undefined ? '' : (bytes / 1048576).toFixed(1) + ' MiB';
}

function since(iso) {
  if (!iso) return '';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 120) return seconds + 's';
  if (seconds < 7200) return Math.round(seconds / 60) + 'm';
  if (seconds < 172800) return Math.round(seconds / 3600) + 'h';
  return Math.round(seconds / 86400) + 'd';
}

function clockTime(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

function imageName(image) {
  return image.slice(image.lastIndexOf('/') + 1);
}

function renderTasks(status) {
  const rows = status.tasks.map((task) => {
    const seen = task.observed;
    const drift = !seen || seen.revision !== task.desired.revision;
    const logs = element('button', 'logs');
    logs.type = 'button';
    logs.addEventListener('click', () => followLogs(task.job, task.task, task.host));
    return tableRow([
      cell(task.job),
      cell(task.task),
      cell(task.host + ':' + task.port),
      cell('r' + task.desired.revision + ' ' + imageName(task.desired.image) + ' (' + task.desired.state + ')'),
      cell(seen ? (seen.revision === undefined ? '?' : 'r' + seen.revision) : 'none', drift ? 'warn' : 'ok'),
      cell(seen ? seen.state : 'no container', seen ? seen.state : 'muted'),
      cell(seen ? seen.health : '', seen ? seen.health : ''),
      cell(seen ? mebibytes(seen.memoryBytes) : ''),
      cell(seen ? since(seen.startedAt) : ''),
      cellWith(logs),
    ]);
  });
  fillTable('tasks', rows, 10, 'No jobs in this environment yet: cj apply jobs.yaml');
  renderUnexpected(status.unexpected || []);
}

/** Under the tasks: containers with cj's labels that no task accounts for, shown only while there are some. */
function renderUnexpected(containers) {
  byId('unexpected').hidden = containers.length === 0;
  const rows = containers.map((container) =>
    tableRow([
      cell(container.host),
      cell(container.job),
      cell(container.task),
      cell('r' + container.revision),
      cell(container.containerId.slice(0, 12)),
      cell(container.name || ''),
      cell(since(container.since)),
    ]),
  );
  fillTable('unexpected-containers', rows, 7, '');
}

function renderHosts(hosts) {
  const rows = hosts.map((host) =>
    tableRow([
      cell(host.name),
      cell(host.address),
      cell(host.reachable ? 'reachable' : 'unreachable', host.reachable ? 'ok' : 'bad'),
      cell(host.engineVersion || ''),
      cell(host.containers),
      cell(since(host.lastSeen)),
    ]),
  );
  fillTable('hosts', rows, 6, 'No hosts declared.');
}

function progressOf(rollout) {
  const total = rollout.tasks.length;
  const updated = rollout.tasks.filter((task) => task.phase === 'updated').length;
  const reverted = rollout.tasks.filter((task) => task.phase === 'reverted').length;
  const bar = document.createElement('progress');
  bar.max = Math.max(total, 1);
  bar.value = updated;
  const text = ' ' + updated + '/' + total + ' updated' + (reverted > 0 ? ', ' + reverted + ' reverted' : '');
  const node = cellWith(bar);
  node.append(text);
  return node;
}

function renderRollouts(rollouts) {
  const rows = rollouts.slice(0, 20).map((rollout) => {
    const id = cell(rollout.id.slice(0, 8));
    id.title = rollout.id;
    return tableRow([
      cell(clockTime(rollout.startedAt)),
      id,
      cell(rollout.job),
      cell((rollout.fromRevision === undefined ? '–' : 'r' + rollout.fromRevision) + ' → r' + rollout.toRevision),
      cell(rollout.phase, rollout.phase),
      progressOf(rollout),
      cell(rollout.reason || '', 'wrap'),
    ]);
  });
  fillTable('rollouts', rows, 7, 'No rollouts yet.');
}

function renderAudit(entries) {
  const rows = entries
    .slice()
    .reverse()
    .map((entry) =>
      tableRow([cell(clockTime(entry.at)), cell(entry.type), cell(entry.actor), cell(entry.summary, 'wrap'), cell(entry.reason || '', 'wrap')]),
    );
  fillTable('audit', rows, 5, 'Nothing recorded yet.');
}

function showProblem(text) {
  const problem = byId('problem');
  problem.textContent = text || '';
  problem.hidden = !text;
}

function askForToken(reason) {
  clearTimeout(page.timer);
  sessionStorage.removeItem(TOKEN_KEY);
  byId('token-reason').textContent = reason;
  byId('token-form').hidden = false;
  byId('token').focus();
}

/** A 401 stops the refresh until a token is given; anything else is shown and retried. */
function failed(error) {
  if (error instanceof Unauthenticated) {
    askForToken(error.message);
    return false;
  }
  showProblem(error instanceof Error ? error.message : String(error));
  return true;
}

async function refresh() {
  clearTimeout(page.timer);
  const round = ++page.round;
  const env = page.env;
  if (!document.hidden) {
    try {
      const [status, hosts, rollouts, audit] = await Promise.all([
        getJson(fill(API.status, { env })),
        getJson(fill(API.hosts, { env })),
        getJson(fill(API.rollouts, { env })),
        getJson(fill(API.audit, { env })),
      ]);
      if (round !== page.round) return;
      renderTasks(status);
      renderHosts(hosts);
      renderRollouts(rollouts);
      renderAudit(audit);
      showProblem('');
      byId('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    } catch (error) {
      if (round !== page.round || !failed(error)) return;
    }
  }
  if (round === page.round) page.timer = setTimeout(refresh, REFRESH_MS);
}

function stopLogs() {
  if (!page.logs) return;
  page.logs.abort();
  page.logs = null;
  byId('log-stop').hidden = true;
  byId('log-state').textContent = 'stopped';
}

function appendLog(text) {
  const pane = byId('log-text');
  const atBottom = pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 4;
  pane.append(document.createTextNode(text));
  if (pane.textContent.length > LOG_LIMIT) pane.textContent = pane.textContent.slice(-LOG_LIMIT / 2);
  if (atBottom) pane.scrollTop = pane.scrollHeight;
}

async function followLogs(job, task, host) {
  stopLogs();
  const following = new AbortController();
  page.logs = following;
  byId('log-title').textContent = job + ' task ' + task + ' on ' + host;
  byId('log-text').textContent = '';
  byId('log-stop').hidden = false;
  // The answer starts with the first line the container writes: a quiet one keeps us waiting.
  byId('log-state').textContent = 'waiting for output';
  try {
    const response = await get(fill(API.logs, { env: page.env, job, task }), following.signal);
    byId('log-state').textContent = 'following';
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      appendLog(value);
    }
    byId('log-state').textContent = 'ended: the container stopped or was replaced';
  } catch (error) {
    if (following.signal.aborted) return;
    if (error instanceof Unauthenticated) failed(error);
    else byId('log-state').textContent = error instanceof Error ? error.message : String(error);
  }
  if (page.logs === following) {
    page.logs = null;
    byId('log-stop').hidden = true;
  }
}

function chooseEnvironment(env) {
  stopLogs();
  page.env = env;
  const url = new URL(location.href);
  url.searchParams.set('env', env);
  history.replaceState(null, '', url);
  refresh();
}

async function start() {
  clearTimeout(page.timer);
  try {
    const known = await getJson(API.environments);
    const wanted = new URLSearchParams(location.search).get('env');
    const envs = wanted && !known.includes(wanted) ? [wanted, ...known] : known;
    byId('env').replaceChildren(...envs.map((env) => element('option', env)));
    if (envs.length === 0) {
      showProblem('No environment yet: apply a jobs file (cj apply jobs.yaml).');
      page.timer = setTimeout(start, REFRESH_MS);
      return;
    }
    byId('env').value = wanted || envs[0];
    chooseEnvironment(byId('env').value);
  } catch (error) {
    if (failed(error)) page.timer = setTimeout(start, REFRESH_MS);
  }
}

byId('env').addEventListener('change', (event) => chooseEnvironment(event.target.value));
byId('log-stop').addEventListener('click', stopLogs);
byId('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = byId('token').value.trim();
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  byId('token').value = '';
  byId('token-form').hidden = true;
  start();
});
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && page.env && byId('token-form').hidden) refresh();
});
start();
`;
}
