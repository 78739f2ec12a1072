import { Command } from 'commander';
import WebSocket from 'ws';
import type { ApiProblem } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { ApiError, OrchestratorUnreachableError, UnexpectedResponseError, UsageError } from '../errors';
import { nonNegativeInt } from '../options';

/** The subprotocol of the orchestrator's exec endpoint. */
const SHELL_PROTOCOL = 'cj.exec.v1';

type ServerMessage =
  { type: 'exit'; code: number } | { type: 'idle' } | { type: 'shutdown' } | { type: 'error'; message: string };

export const execCommand = () =>
  new Command('exec')
    .description(
      "run a command in a task's container (operators only; recorded in the audit); exits with its exit code",
    )
    .argument('<job>')
    .argument('<command...>', 'the command and its arguments, after --')
    .option('--task <n>', 'the task whose container to run it in (default: 0)', nonNegativeInt)
    .option('-i, --stdin', 'pass stdin to the command')
    .option('-t, --tty', 'allocate a pseudo-terminal (with -i: an interactive shell)')
    .action(
      action(
        async (
          cli: Cli,
          job: string,
          command: string[],
          options: { task?: number; stdin?: boolean; tty?: boolean },
        ) => {
          if (command.length === 0) throw new UsageError('no command given', 'put it after --: cj exec web -- ls /');
          return runExec(cli, job, command, options);
        },
      ),
    );

function execUrl(cli: Cli, job: string, command: readonly string[], options: { task?: number; tty?: boolean }): string {
  const url = new URL(
    `/v1/envs/${encodeURIComponent(cli.options.env)}/jobs/${encodeURIComponent(job)}/exec`,
    cli.options.url,
  );
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('task', String(options.task ?? 0));
  for (const part of command) url.searchParams.append('cmd', part);
  url.searchParams.set('client', 'cj');
  if (options.tty) {
    url.searchParams.set('tty', '1');
    if (process.stdout.columns && process.stdout.rows) {
      url.searchParams.set('cols', String(process.stdout.columns));
      url.searchParams.set('rows', String(process.stdout.rows));
    }
  }
  return url.toString();
}

function runExec(
  cli: Cli,
  job: string,
  command: readonly string[],
  options: { task?: number; stdin?: boolean; tty?: boolean },
): Promise<number> {
  const url = execUrl(cli, job, command, options);
  const socket = new WebSocket(url, SHELL_PROTOCOL, {
    headers: cli.options.token ? { authorization: `Bearer ${cli.options.token}` } : {},
  });
  const stdin = process.stdin;
  const raw = Boolean(options.stdin && options.tty && stdin.isTTY);
  return new Promise<number>((resolve, reject) => {
    let exitCode: number | undefined;
    const restore = () => {
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      process.stdout.off('resize', resize);
    };
    const resize = () => {
      if (socket.readyState === WebSocket.OPEN)
        socket.send(JSON.stringify({ type: 'resize', cols: process.stdout.columns, rows: process.stdout.rows }));
    };
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => {
        try {
          reject(new ApiError(JSON.parse(body) as ApiProblem));
        } catch {
          reject(new UnexpectedResponseError(cli.options.url, `HTTP ${response.statusCode} on ${url}`));
        }
      });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      restore();
      reject(error.code === 'ECONNREFUSED' ? new OrchestratorUnreachableError(cli.options.url, error.code) : error);
    });
    socket.on('open', () => {
      if (!options.stdin) {
        socket.send(JSON.stringify({ type: 'eof' }));
        return;
      }
      if (raw) stdin.setRawMode(true);
      stdin.on('data', (chunk: Buffer) => socket.send(chunk, { binary: true }));
      stdin.on('end', () => socket.send(JSON.stringify({ type: 'eof' })));
      stdin.resume();
      if (options.tty) process.stdout.on('resize', resize);
    });
    socket.on('message', (data: Buffer, binary: boolean) => {
      if (binary) {
        (data[0] === 2 ? process.stderr : process.stdout).write(data.subarray(1));
        return;
      }
      const message = JSON.parse(data.toString('utf8')) as ServerMessage;
      if (message.type === 'exit') exitCode = message.code;
      else if (message.type === 'error') cli.out.error(`cj: ${message.message}`);
      else
        cli.out.error(
          `cj: the session was closed (${message.type === 'idle' ? 'idle for too long' : 'the orchestrator is shutting down'})`,
        );
    });
    socket.on('close', () => {
      restore();
      resolve(exitCode ?? 1);
    });
  });
}
