import { useEffect, useRef, useState } from 'preact/hooks';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { TaskStatus } from '@cj/api';
import { path, token } from './api';

const SHELL_PROTOCOL = 'cj.exec.v1';
const COLUMNS = 100;
const ROWS = 24;

/**
 * xterm.js adds <style> elements of its own; under the page's policy only those carrying the
 * nonce the orchestrator put in <meta name="cj-style-nonce"> apply. Scripts stay file-only.
 */
function allowTerminalStyles(): void {
  const nonce = document.querySelector<HTMLMetaElement>('meta[name="cj-style-nonce"]')?.content;
  if (!nonce || (document as Document & { cjStyles?: boolean }).cjStyles) return;
  (document as Document & { cjStyles?: boolean }).cjStyles = true;
  const create = document.createElement.bind(document) as (
    tag: string,
    options?: ElementCreationOptions,
  ) => HTMLElement;
  document.createElement = ((tag: string, options?: ElementCreationOptions) => {
    const element = create(tag, options);
    if (tag.toLowerCase() === 'style') element.nonce = nonce;
    return element;
  }) as typeof document.createElement;
}

/** The browser's token travels as a subprotocol: a WebSocket cannot carry an Authorization header. */
function protocols(): string[] {
  const value = token.get();
  if (!value) return [SHELL_PROTOCOL];
  const encoded = btoa(String.fromCharCode(...new TextEncoder().encode(value)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  return [SHELL_PROTOCOL, `bearer.${encoded}`];
}

/** A terminal into a task's container (operators only): the container's shell or one chosen. */
export function ShellPanel(props: { env: string; task: TaskStatus; onClose: () => void }) {
  const host = useRef<HTMLDivElement>(null);
  const [shell, setShell] = useState('/bin/sh');
  const [started, setStarted] = useState<string>();
  const [state, setState] = useState('not connected');
  useEffect(() => {
    if (started === undefined || !host.current) return;
    allowTerminalStyles();
    const terminal = new Terminal({
      cols: COLUMNS,
      rows: ROWS,
      convertEol: false,
      cursorBlink: true,
      screenReaderMode: true,
    });
    terminal.open(host.current);
    const url = new URL(path('/v1/envs/{env}/jobs/{job}/exec', { env: props.env, job: props.task.job }), location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('task', String(props.task.task));
    url.searchParams.set('tty', '1');
    url.searchParams.set('cols', String(COLUMNS));
    url.searchParams.set('rows', String(ROWS));
    url.searchParams.set('client', 'web-console');
    url.searchParams.append('cmd', started);
    const socket = new WebSocket(url, protocols());
    socket.binaryType = 'arraybuffer';
    setState('connecting');
    socket.onopen = () => {
      setState('connected');
      terminal.focus();
    };
    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (typeof event.data !== 'string') {
        terminal.write(new Uint8Array(event.data).subarray(1));
        return;
      }
      const message = JSON.parse(event.data) as { type: string; code?: number; message?: string };
      if (message.type === 'exit') setState(`exited with code ${message.code}`);
      else if (message.type === 'idle') setState('closed: idle for too long');
      else if (message.type === 'error') setState(`failed: ${message.message}`);
      else setState(`closed: ${message.type}`);
    };
    // A refused upgrade (no operator token, another origin) reads as an error then a close.
    socket.onerror = () =>
      setState((current) => (current === 'connecting' ? 'refused: an operator token is needed' : current));
    socket.onclose = () => setState((current) => (current === 'connected' ? 'closed' : current));
    const input = terminal.onData((data) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(new TextEncoder().encode(data));
    });
    return () => {
      input.dispose();
      socket.close();
      terminal.dispose();
    };
  }, [started]);
  return (
    <section aria-labelledby="shell-title" id="shell">
      <h2 id="shell-title">
        Shell{' '}
        <span class="muted">
          {props.task.job} task {props.task.task} on {props.task.host}
        </span>{' '}
        <span id="shell-state" class="muted" aria-live="polite">
          {state}
        </span>
      </h2>
      {started === undefined ? (
        <form
          class="toolbar"
          onSubmit={(event) => {
            event.preventDefault();
            setStarted(shell.trim() || '/bin/sh');
          }}
        >
          <label>
            Shell
            <input
              id="shell-command"
              value={shell}
              onInput={(event) => setShell(event.currentTarget.value)}
              autoComplete="off"
            />
          </label>
          <button type="submit">Open</button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" onClick={props.onClose}>
          Close the shell
        </button>
      )}
      <div ref={host} id="terminal" class="terminal" />
    </section>
  );
}
