import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  eventId,
  refuseShell,
  shellEnded,
  shellStarted,
  shellStream,
  type ExecSession,
  type ShellEvent,
  type ShellSessionEnd,
  type ShellSessionStarted,
} from '@cj/domain';
import type { EventStore } from '@cj/event-store';
import { CLOCK, type Clock } from '../clock';
import { cjVersion } from '../config/cj-version';
import type { OrchestratorOptions } from '../config/options';
import { OPTIONS } from '../config/options.token';
import { TokenRegistry } from '../auth/token-registry';
import { HostRuntimes } from '../hosts/host-runtimes';
import { LOCAL_OPERATOR, principalOf, tokensRequired, type Principal } from '../http/principal';
import { HostQueries } from '../read-model/queries/host-queries';
import { TaskQueries } from '../read-model/queries/task-queries';
import { EVENT_STORE } from '../store/open-event-store';
import {
  isExecPath,
  parseShellRequest,
  sameOrigin,
  SHELL_PROTOCOL,
  shellToken,
  ShellRequestError,
  type ShellRequestParams,
} from './shell-request';

/** Control messages travel as text frames; the command's bytes as binary ones (input as it is; output after a stream byte). */
type ClientMessage = { type: 'resize'; cols: number; rows: number } | { type: 'eof' };

interface OpenSession {
  readonly principal: Principal;
  readonly socket: WebSocket;
  finish(end: ShellSessionEnd, exitCode?: number): Promise<void>;
}

/**
 * The exec endpoint (the console's terminal and `cj exec`): a WebSocket into a task's container
 * over Docker exec. Operators only, same-origin browsers only, a bounded number of sessions per
 * token, idle sessions closed; each session's start and end (who, which task, the exit code) is
 * recorded in its own stream, so it is in the audit log.
 */
@Injectable()
export class ShellSessions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('shell');
  private readonly sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has(SHELL_PROTOCOL) ? SHELL_PROTOCOL : false),
  });
  private readonly open = new Set<OpenSession>();
  private readonly version = cjVersion();

  constructor(
    private readonly adapter: HttpAdapterHost,
    @Inject(OPTIONS) private readonly options: OrchestratorOptions,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly tasks: TaskQueries,
    private readonly hosts: HostQueries,
    private readonly runtimes: HostRuntimes,
    private readonly registry: TokenRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapter.httpAdapter.getHttpServer() as Server;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(request, socket, head).catch((error: unknown) => {
        this.logger.error({
          msg: 'shell upgrade failed',
          error: error instanceof Error ? error.message : String(error),
        });
        refuse(socket, new ShellRequestError(500, 'internal', 'the session could not be opened'));
      });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.open].map((session) => session.finish('shutdown')));
    this.sockets.close();
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (!isExecPath(request.url))
      return refuse(socket, new ShellRequestError(404, 'not-found', 'no WebSocket endpoint here'));
    let params: ShellRequestParams;
    let principal: Principal;
    let target: { containerId: string; host: string; runtime: ReturnType<HostRuntimes['for']> };
    try {
      if (!sameOrigin(request))
        throw new ShellRequestError(
          403,
          'cross-origin',
          `a page of ${request.headers.origin} may not open shells here`,
          'open the console served by this orchestrator',
        );
      principal = this.principal(request);
      params = parseShellRequest(request.url);
      const openForToken = [...this.open].filter((session) => session.principal.name === principal.name).length;
      const refusal = refuseShell(principal.role, openForToken, this.options.shell.sessionsPerToken);
      if (refusal?.kind === 'role')
        throw new ShellRequestError(
          403,
          'shell-needs-operator',
          `a ${refusal.role} token may not open shells`,
          'use an operator token',
        );
      if (refusal?.kind === 'too-many')
        throw new ShellRequestError(
          429,
          'too-many-shells',
          `this token holds ${refusal.open} shell sessions, the most allowed`,
          'close one first',
        );
      target = this.target(params);
    } catch (error) {
      if (error instanceof ShellRequestError) return refuse(socket, error);
      throw error;
    }
    const ws = await new Promise<WebSocket>((resolve) => this.sockets.handleUpgrade(request, socket, head, resolve));
    await this.run(ws, principal, params, target);
  }

  private principal(request: IncomingMessage): Principal {
    if (!tokensRequired(this.options.tokens, this.registry)) return LOCAL_OPERATOR;
    const token = shellToken(request);
    if (token === undefined)
      throw new ShellRequestError(
        401,
        'unauthenticated',
        'this orchestrator requires a bearer token',
        'send Authorization: Bearer <token> (cj reads CJ_TOKEN)',
      );
    const principal = principalOf(this.options.tokens, this.registry, token);
    if (principal === undefined)
      throw new ShellRequestError(
        401,
        'unauthenticated',
        'the bearer token is not valid for this orchestrator',
        'check CJ_TOKEN',
      );
    return principal;
  }

  private target(params: ShellRequestParams): {
    containerId: string;
    host: string;
    runtime: ReturnType<HostRuntimes['for']>;
  } {
    const row = this.tasks.tasks(params.env, params.job).find((candidate) => candidate.task === params.task);
    if (!row)
      throw new ShellRequestError(
        404,
        'task-not-found',
        `environment ${params.env} has no task ${params.task} of job ${params.job}`,
        `see the tasks with cj status ${params.job}`,
      );
    if (row.container_id === null || row.observed_state !== 'running') {
      throw new ShellRequestError(
        409,
        'task-not-running',
        `task ${params.task} of ${params.job} has no running container`,
        `start it with cj up ${params.job}`,
      );
    }
    const host = row.container_host ?? row.host;
    const spec = this.hosts.spec(params.env, host);
    if (!spec)
      throw new ShellRequestError(
        404,
        'host-not-declared',
        `host ${host} is not declared in environment ${params.env}`,
      );
    return { containerId: row.container_id, host, runtime: this.runtimes.for(spec) };
  }

  private async run(
    ws: WebSocket,
    principal: Principal,
    params: ShellRequestParams,
    target: { containerId: string; host: string; runtime: ReturnType<HostRuntimes['for']> },
  ): Promise<void> {
    // What the client sends before the command runs waits for it: typed-ahead input is not lost.
    const early: { bytes: Buffer; binary: boolean }[] = [];
    let deliver = (bytes: Buffer, binary: boolean): void => {
      early.push({ bytes, binary });
    };
    let idle: NodeJS.Timeout | undefined;
    const current: { session?: OpenSession } = {};
    // Any input or output restarts the idle clock.
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => void current.session?.finish('idle'), this.options.shell.idleTimeoutMs);
    };
    ws.on('message', (data: RawData, binary: boolean) => {
      touch();
      deliver(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer), binary);
    });
    const sessionId = randomUUID();
    const stream = shellStream(params.env, sessionId);
    const metadata = () => ({
      actor: principal.name,
      correlationId: sessionId,
      causationId: sessionId,
      occurredAt: this.clock.now().toISOString(),
      cjVersion: this.version,
    });
    const started = shellStarted(
      {
        sessionId,
        job: params.job,
        task: params.task,
        host: target.host,
        containerId: target.containerId,
        command: params.command,
        tty: params.tty,
        client: params.client,
      },
      metadata(),
    );
    // The start is recorded before the command runs: no session goes unaudited.
    await this.record(stream, started, 0);

    let exec: ExecSession | undefined;
    let finished: Promise<void> | undefined;
    const opened: OpenSession = {
      principal,
      socket: ws,
      finish: (end, exitCode) => {
        finished ??= (async () => {
          clearTimeout(idle);
          this.open.delete(opened);
          exec?.close();
          if (ws.readyState === ws.OPEN) {
            if (end !== 'left')
              ws.send(
                JSON.stringify({
                  type: end === 'exited' ? 'exit' : end,
                  ...(exitCode !== undefined && { code: exitCode }),
                }),
              );
            ws.close(1000, end);
          }
          await this.record(stream, shellEnded(started as ShellSessionStarted, end, exitCode, metadata()), 1);
        })();
        return finished;
      },
    };
    current.session = opened;
    this.open.add(opened);
    touch();
    ws.on('close', () => void opened.finish('left'));
    if (ws.readyState === ws.CLOSED || ws.readyState === ws.CLOSING) void opened.finish('left');
    try {
      exec = await target.runtime.openExec(target.containerId, {
        command: params.command,
        tty: params.tty,
        columns: params.columns,
        rows: params.rows,
        onOutput: (data, from) => {
          touch();
          // Each binary frame starts with its stream: 1 stdout, 2 stderr (a terminal has only 1).
          if (ws.readyState === ws.OPEN)
            ws.send(Buffer.concat([Buffer.of(from === 'stderr' ? 2 : 1), data]), { binary: true });
        },
      });
    } catch (error) {
      if (ws.readyState === ws.OPEN)
        ws.send(JSON.stringify({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
      await opened.finish('exited', 126);
      return;
    }
    const running = exec;
    deliver = (bytes, binary) => {
      if (binary) {
        running.write(bytes);
        return;
      }
      const message = parseMessage(bytes.toString('utf8'));
      if (message?.type === 'resize') running.resize(message.cols, message.rows).catch(() => undefined);
      if (message?.type === 'eof') running.endInput();
    };
    for (const { bytes, binary } of early.splice(0)) deliver(bytes, binary);
    running.exitCode.then((code) => opened.finish('exited', code));
  }

  private async record(stream: string, event: ShellEvent, index: number): Promise<void> {
    const { sessionId } = event.data;
    await this.store.append(
      stream,
      [
        {
          id: eventId(sessionId, stream, index),
          type: event.type,
          data: event.data,
          metadata: { ...event.metadata, schemaVersion: event.schemaVersion },
        },
      ],
      index === 0 ? 'no_stream' : BigInt(index - 1),
    );
  }
}

function parseMessage(text: string): ClientMessage | undefined {
  try {
    const message = JSON.parse(text) as Partial<ClientMessage> & { cols?: unknown; rows?: unknown };
    if (message.type === 'resize' && Number.isInteger(message.cols) && Number.isInteger(message.rows)) {
      return {
        type: 'resize',
        cols: Math.min(1000, Math.max(1, message.cols as number)),
        rows: Math.min(1000, Math.max(1, message.rows as number)),
      };
    }
    if (message.type === 'eof') return { type: 'eof' };
  } catch {
    // Not a control message: ignored.
  }
  return undefined;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** Answers an upgrade with a problem+json and closes the socket: no WebSocket is opened. */
function refuse(socket: Duplex, error: ShellRequestError): void {
  const body = JSON.stringify({
    type: `https://cj.dev/problems/${error.slug}`,
    title: REASONS[error.status] ?? 'Error',
    status: error.status,
    detail: error.message,
    ...(error.hint && { hint: error.hint }),
  });
  socket.end(
    `HTTP/1.1 ${error.status} ${REASONS[error.status] ?? 'Error'}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
