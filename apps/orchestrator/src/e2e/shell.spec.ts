import WebSocket from 'ws';
import type { AuditEntry } from '@cj/api';
// eslint-disable-next-line @nx/enforce-module-boundaries -- end-to-end tests drive both apps: the real cj against the real orchestrator
import { runCj, type RunCjOptions } from '../../../cli/src/testing';
import { waitUntil } from '../testing';
import { WebWorld } from './web-page-world';

jest.setTimeout(180_000);

const ENV = 'shell-e2e';
const OPERATOR = 'operator-token-shell-0123456789';
const VIEWER = 'viewer-token-shell-0123456789';
const PROTOCOL = 'cj.exec.v1';

interface Session {
  readonly output: string;
  readonly messages: Record<string, unknown>[];
  readonly status?: number;
  readonly body?: string;
}

/** Opens the exec endpoint, sends `input`, and collects what comes back until the socket closes. */
function session(
  url: string,
  options: { headers?: Record<string, string>; protocols?: string[]; input?: string; keepOpen?: boolean } = {},
): Promise<Session> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [PROTOCOL], { headers: options.headers });
    let output = '';
    const messages: Record<string, unknown>[] = [];
    const giveUp = setTimeout(() => socket.terminate(), 20_000);
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => {
        clearTimeout(giveUp);
        resolve({ output, messages, status: response.statusCode, body });
      });
    });
    socket.on('error', reject);
    socket.on('open', () => {
      if (options.input !== undefined) socket.send(Buffer.from(options.input), { binary: true });
      if (!options.keepOpen) socket.send(JSON.stringify({ type: 'eof' }));
    });
    socket.on('message', (data: Buffer, binary: boolean) => {
      if (binary) output += data.subarray(1).toString('utf8');
      else messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>);
    });
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ output, messages });
    });
  });
}

describe('shell sessions into a task (the exec endpoint and cj exec), against a real orchestrator on fake hosts', () => {
  let world: WebWorld;
  let base: string;
  const cj = (args: readonly string[], options: RunCjOptions = {}) =>
    runCj(args, { url: world.url, env: ENV, ...options, vars: { NO_COLOR: '1', CJ_TOKEN: OPERATOR, ...options.vars } });
  const audit = async () =>
    (await world.operate<AuditEntry[]>('GET', `/v1/envs/${ENV}/audit?limit=500`)).body.filter((entry) =>
      entry.type.startsWith('ShellSession'),
    );

  beforeAll(async () => {
    world = await WebWorld.start({
      env: ENV,
      hostCount: 1,
      port: 18480,
      greeting: 'shell task ready',
      tokens: { operator: OPERATOR, reader: VIEWER },
      orchestratorArgs: ['--shell-idle-timeout', '2s', '--shell-sessions-per-token', '2'],
    });
    base = `${world.url.replace(/^http/, 'ws')}/v1/envs/${ENV}/jobs/web/exec`;
  });

  afterAll(() => world?.stop());

  it("runs a command in the task's container and ends with its exit code, stdout and stderr apart", async () => {
    const result = await session(
      `${base}?task=0&cmd=sh&cmd=-c&cmd=${encodeURIComponent('echo out; echo err >&2; exit 3')}`,
      { headers: { authorization: `Bearer ${OPERATOR}` } },
    );
    expect(result.output).toContain('out');
    expect(result.output).toContain('err');
    expect(result.messages).toEqual([{ type: 'exit', code: 3 }]);
  });

  it('gives a shell on a pseudo-terminal: input in, answers out', async () => {
    const pid1 = await session(`${base}?cmd=cat&cmd=/proc/1/cmdline`, {
      headers: { authorization: `Bearer ${OPERATOR}` },
    });
    const firstArg = pid1.output.split('\0')[0];
    expect(firstArg.length).toBeGreaterThan(0);
    const result = await session(`${base}?tty=1&cols=80&rows=24`, {
      headers: { authorization: `Bearer ${OPERATOR}` },
      input: 'echo "host=$HOSTNAME"; cat /proc/1/cmdline; echo; exit 5\n',
      keepOpen: true,
    });
    expect(result.output).toMatch(/host=\S+/);
    expect(result.output).toContain(firstArg);
    expect(result.messages).toEqual([{ type: 'exit', code: 5 }]);
  });

  it('takes the token from a bearer subprotocol, as a browser sends it', async () => {
    const result = await session(`${base}?cmd=true`, {
      protocols: [PROTOCOL, `bearer.${Buffer.from(OPERATOR).toString('base64url')}`],
    });
    expect(result.messages).toEqual([{ type: 'exit', code: 0 }]);
  });

  it('refuses a viewer token (403), no token (401), and a page of another origin (403), opening nothing', async () => {
    const viewer = await session(`${base}?cmd=true`, { headers: { authorization: `Bearer ${VIEWER}` } });
    expect(viewer.status).toBe(403);
    expect(JSON.parse(viewer.body ?? '{}')).toMatchObject({ status: 403, hint: 'use an operator token' });
    expect((await session(`${base}?cmd=true`)).status).toBe(401);
    const foreign = await session(`${base}?cmd=true`, {
      headers: { authorization: `Bearer ${OPERATOR}`, origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
  });

  it('bounds the sessions one token holds open, and closes idle ones', async () => {
    const idle = [
      session(`${base}?tty=1`, { headers: { authorization: `Bearer ${OPERATOR}` }, keepOpen: true }),
      session(`${base}?tty=1`, { headers: { authorization: `Bearer ${OPERATOR}` }, keepOpen: true }),
    ];
    await waitUntil(
      async () => (await audit()).filter((entry) => entry.type === 'ShellSessionStarted').length,
      (started) => started >= 6,
    );
    const third = await session(`${base}?cmd=true`, { headers: { authorization: `Bearer ${OPERATOR}` } });
    expect(third.status).toBe(429);
    for (const closed of await Promise.all(idle)) expect(closed.messages).toEqual([{ type: 'idle' }]);
  });

  it('runs cj exec: the output, and the exit code of the command', async () => {
    const result = await cj(['exec', 'web', '--', 'sh', '-c', 'echo from-cj; echo to-stderr >&2; exit 4']);
    expect(result).toMatchObject({ code: 4, stdout: 'from-cj\n', stderr: 'to-stderr\n' });
  });

  it('runs cj exec -it under a pseudo-terminal', async () => {
    const result = await cj(['exec', 'web', '-it', '--', 'sh'], { tty: true, input: 'echo "tty=$(tty)"; exit 6\n' });
    expect(result.stdout).toMatch(/tty=\/dev\/pts\/\d+/);
    expect(result.code).toBe(6);
  });

  it('refuses cj exec with a viewer token, saying why', async () => {
    const result = await cj(['exec', 'web', '--', 'true'], { vars: { CJ_TOKEN: VIEWER } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('a viewer token may not open shells');
    expect(result.stderr).toContain('hint: use an operator token');
  });

  it('records every session: who, which task, the command and how it ended', async () => {
    const entries = await waitUntil(
      audit,
      (seen) => seen.filter((entry) => entry.type === 'ShellSessionEnded').length >= 8,
    );
    const ended = entries.filter((entry) => entry.type === 'ShellSessionEnded');
    expect(entries.filter((entry) => entry.type === 'ShellSessionStarted')).toHaveLength(ended.length);
    expect(new Set(entries.map((entry) => entry.actor))).toEqual(new Set(['bootstrap']));
    expect(entries.filter((entry) => entry.type === 'ShellSessionStarted').map((entry) => entry.summary)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^shell session opened \(cj\): sh -c echo from-cj.*job=web task=0/),
        expect.stringMatching(/^shell session opened \(unknown, terminal\): \/bin\/sh/),
      ]),
    );
    expect(ended.map((entry) => entry.summary)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/job=web task=0 host=\S+ .*exitCode=3/),
        expect.stringMatching(/exitCode=4/),
        expect.stringMatching(/exitCode=6/),
      ]),
    );
    expect(ended.filter((entry) => /^shell session ended \(idle/.test(entry.summary))).toHaveLength(2);
  });
});
