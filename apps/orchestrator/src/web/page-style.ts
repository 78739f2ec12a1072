/** The status page's stylesheet: plain CSS, light and dark, no external fonts or images. */
export const PAGE_STYLE = `
:root { color-scheme: light dark; --fg: #1d232a; --muted: #6b7480; --line: #d9dee4; --bg: #ffffff; --head: #f3f5f7;
  --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --accent: #0969da; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --bg: #0d1117; --head: #161b22;
    --ok: #3fb950; --bad: #f85149; --warn: #d29922; --accent: #58a6ff; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1.5rem; align-items: baseline; padding: .75rem 1.25rem; border-bottom: 1px solid var(--line); background: var(--head); }
h1 { margin: 0; font-size: 1.25rem; }
h2 { margin: 1.25rem 0 .5rem; font-size: 1rem; }
main { padding: 0 1.25rem 2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
td.wrap { white-space: normal; }
th { font-weight: 600; color: var(--muted); }
.muted, .empty { color: var(--muted); }
.ok, .healthy, .running, .succeeded { color: var(--ok); }
.bad, .unhealthy, .exited, .failed, .rolled-back, .stuck { color: var(--bad); }
.warn, .starting, .paused, .rolling-back, .aborted, .reverted { color: var(--warn); }
.problem { margin: .75rem 1.25rem; padding: .5rem .75rem; border: 1px solid var(--bad); color: var(--bad); }
.token { margin: .75rem 1.25rem; padding: .75rem; border: 1px solid var(--accent); }
.token input { width: 22rem; max-width: 100%; }
button { font: inherit; cursor: pointer; }
pre { margin: 0; padding: .5rem .75rem; height: 22rem; overflow: auto; border: 1px solid var(--line); background: var(--head);
  font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; word-break: break-all; }
progress { width: 6rem; vertical-align: middle; }
`;
