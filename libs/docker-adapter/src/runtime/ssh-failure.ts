/** The ssh leg to a host's engine failed: connect, host key, login, or `docker system dial-stdio` itself. */
export class SshFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SshFailure';
  }
}

/** Why a host's ssh key was refused: not known at all, not the one known, or revoked. */
export type HostKeyRefusal = 'unknown' | 'changed' | 'revoked';

/**
 * The host offered an ssh host key that cj does not trust, so no login was tried: a man in the
 * middle would otherwise receive the login and every command sent to the engine.
 */
export class SshHostKeyRefused extends SshFailure {
  constructor(
    /** The host's name in the hosts section. */
    readonly host: string,
    readonly refusal: HostKeyRefusal,
    /** The offered key's type and SHA256 fingerprint, as `ssh-keygen -l` prints them. */
    readonly offered: string,
    message: string,
  ) {
    super(message);
    this.name = 'SshHostKeyRefused';
  }
}

/** Who logs in where. */
export interface SshTarget {
  readonly user: string;
  readonly host: string;
  readonly port: number;
}

/** `ssh user@host:port`, how failures name the connection. */
export function sshLabel(target: SshTarget): string {
  return `ssh ${target.user}@${target.host}:${target.port}`;
}

/** What ssh2 errors carry: the stage that failed. */
interface Ssh2Error extends Error {
  readonly level?: string;
}

/** Says in words what went wrong on the ssh connection to `user@host:port`, and what to do. */
export function sshFailure(error: unknown, target: SshTarget): SshFailure {
  const { level, message } = error as Ssh2Error;
  const to = sshLabel(target);
  const explain = (): string => {
    switch (level) {
      case 'client-authentication':
        return `${to}: login refused (${message}); the key given (ssh.privateKey, or the agent at $SSH_AUTH_SOCK) must be in ${target.user}'s authorized_keys there`;
      case 'client-timeout':
        return `${to}: no ssh handshake in time (${message}); check sshd runs there and the port is right`;
      case 'client-socket':
      case 'client-dns':
        return `${to}: cannot connect (${message}); check sshd runs there and the port is right`;
      case 'agent':
        return `${to}: the ssh agent failed (${message}); check $SSH_AUTH_SOCK or give ssh.privateKey`;
      case 'handshake':
        return `${to}: ssh handshake failed (${message})`;
      default:
        return `${to}: ${message}`;
    }
  };
  return new SshFailure(explain(), { cause: error });
}
