import { Agent, type ClientRequestArgs } from 'node:http';
import { Duplex } from 'node:stream';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { SshFailure, sshFailure, type SshHostKeyRefused, sshLabel, type SshTarget } from './ssh-failure';
import type { HostKeyCheck, SshHostKeys } from './ssh-host-keys';

/** The command the Docker CLI runs on a host to bridge its engine's API to stdin/stdout. */
const DIAL_STDIO = 'docker system dial-stdio';
/** Bytes of dial-stdio's stderr kept to explain its failure. */
const STDERR_KEPT = 2_048;
/**
 * sshd drops new connections at random once 10 have not logged in yet (MaxStartups 10:30:100), and a
 * listing inspects every container at once: handshakes beyond this many wait for one to finish.
 */
const HANDSHAKES_AT_ONCE = 4;

/**
 * An http.Agent whose connections are `docker system dial-stdio` sessions over ssh, one ssh
 * connection per request as the Docker CLI does, a few handshakes at a time. dockerode's own ssh
 * agent hands http a bare ssh channel, on which a request timeout throws (`sock.setTimeout is not a
 * function`), and lets sshd drop connections opened at once; this one hands http a socket-shaped
 * stream, turns ssh failures into words, and logs in only where the host's key is trusted.
 */
export class SshDialAgent extends Agent {
  /** Who logs in where. */
  readonly target: SshTarget;
  private handshakes = 0;
  private readonly waitingForHandshake: (() => void)[] = [];

  constructor(
    private readonly config: ConnectConfig & { host: string; port: number; username: string },
    private readonly hostKeys: SshHostKeys,
  ) {
    super({ keepAlive: false });
    this.target = { user: config.username, host: config.host, port: config.port };
  }

  override createConnection(
    _options: ClientRequestArgs,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): undefined {
    if (this.handshakes < HANDSHAKES_AT_ONCE) this.dial(callback);
    else this.waitingForHandshake.push(() => this.dial(callback));
    return undefined;
  }

  private dial(callback?: (error: Error | null, stream: Duplex) => void): void {
    this.handshakes++;
    let handshaking = true;
    const handshakeOver = () => {
      if (!handshaking) return;
      handshaking = false;
      this.handshakes--;
      this.waitingForHandshake.shift()?.();
    };
    let settled = false;
    const settle = (error: Error | null, stream?: DialSocket) => {
      handshakeOver();
      if (settled) return;
      settled = true;
      callback?.(error, stream as Duplex);
    };
    let check: HostKeyCheck;
    try {
      check = this.hostKeys.check();
    } catch (error) {
      settle(error as Error);
      return;
    }
    const client = new Client();
    let socket: DialSocket | undefined;
    let refused: SshHostKeyRefused | undefined;
    client.on('error', (error) => {
      const failure = refused ?? sshFailure(error, this.target);
      client.end();
      if (socket) socket.destroy(failure);
      else settle(failure);
    });
    client.once('close', () =>
      settle(new SshFailure(`${sshLabel(this.target)}: the connection closed before the engine answered`)),
    );
    client.once('ready', () => {
      handshakeOver();
      client.exec(DIAL_STDIO, (error, channel) => {
        if (error) {
          client.end();
          settle(sshFailure(error, this.target));
          return;
        }
        socket = new DialSocket(client, channel, this.target);
        settle(null, socket);
      });
    });
    try {
      client.connect({
        ...this.config,
        algorithms: { serverHostKey: check.algorithms },
        hostVerifier: (key: Buffer) => {
          refused = check.verify(key);
          return refused === undefined;
        },
      });
    } catch (error) {
      // ssh2 checks the private key synchronously.
      settle(new SshFailure(`${sshLabel(this.target)}: ${(error as Error).message}`, { cause: error }));
    }
  }
}

/**
 * An ssh channel running dial-stdio, shaped like the net.Socket http expects: an idle timeout
 * (`setTimeout` and its 'timeout' event) and the no-op socket options. Its end ends the ssh connection.
 */
class DialSocket extends Duplex {
  private received = 0;
  private stderr = '';
  private exitCode: number | undefined;
  private idleMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private eofPushed = false;

  constructor(
    private readonly client: Client,
    private readonly channel: ClientChannel,
    private readonly target: SshTarget,
  ) {
    super({ allowHalfOpen: false });
    channel.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      this.touch();
      if (!this.push(chunk)) channel.pause();
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    channel.on('exit', (code: number | null) => {
      this.exitCode = code ?? undefined;
    });
    // dial-stdio that fails at once (no docker CLI, no engine) sends nothing on stdout, only stderr:
    // that is the failure to report, not an empty reply.
    channel.on('end', () => {
      if (this.received > 0) this.endReadable();
    });
    channel.on('close', () => {
      if (this.received > 0) this.endReadable();
      else this.destroy(this.dialFailure());
    });
  }

  setTimeout(ms: number, onTimeout?: () => void): this {
    this.idleMs = ms;
    if (onTimeout) {
      if (ms > 0) this.once('timeout', onTimeout);
      else this.removeListener('timeout', onTimeout);
    }
    this.touch();
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  override _read(): void {
    this.channel.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.touch();
    this.channel.write(chunk, done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.channel.end();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    this.channel.destroy();
    this.client.end();
    done(error);
  }

  /** Like net.Socket: 'timeout' after idleMs without traffic either way; the owner decides what to do. */
  private touch(): void {
    clearTimeout(this.idleTimer);
    if (this.idleMs <= 0 || this.destroyed) return;
    this.idleTimer = setTimeout(() => this.emit('timeout'), this.idleMs);
    this.idleTimer.unref();
  }

  private endReadable(): void {
    if (this.eofPushed) return;
    this.eofPushed = true;
    clearTimeout(this.idleTimer);
    this.push(null);
  }

  private dialFailure(): SshFailure {
    const exit = this.exitCode === undefined ? '' : ` (exit ${this.exitCode})`;
    const said = this.stderr.trim() || 'nothing';
    return new SshFailure(
      `${sshLabel(this.target)}: \`${DIAL_STDIO}\` failed${exit} and said: ${said}; ` +
        `the docker CLI must be on ${this.target.user}'s PATH there and reach the engine (DOCKER_HOST or /var/run/docker.sock)`,
    );
  }
}
