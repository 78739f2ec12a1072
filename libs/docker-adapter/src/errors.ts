/**
 * Typed failures of a host's Docker engine. Each names the host (and the container or image) and
 * says what to do, so that a caller can show it as-is or act on its `code`.
 */
export type ContainerRuntimeErrorCode =
  | 'HOST_UNREACHABLE'
  | 'IMAGE_NOT_FOUND'
  | 'PORT_IN_USE'
  | 'CONTAINER_NOT_FOUND'
  | 'DAEMON_ERROR';

export abstract class ContainerRuntimeError extends Error {
  abstract readonly code: ContainerRuntimeErrorCode;
  constructor(
    readonly host: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class HostUnreachable extends ContainerRuntimeError {
  readonly code = 'HOST_UNREACHABLE';
  /**
   * The call reached the engine (or may have) and no answer came back: it timed out, or the
   * connection dropped. The engine may still carry it out (a frozen dockerd does when it resumes),
   * so the caller must ask the engine what happened rather than take it for a failure. False when
   * the engine could not be reached at all (no socket, connection refused): nothing was asked.
   */
  readonly outcomeUnknown: boolean;

  /** `reason` says what to do itself when `selfExplained` (an ssh refusal, say): no generic advice then. */
  constructor(
    host: string,
    readonly endpoint: string,
    reason: string,
    options?: { cause?: unknown; selfExplained?: boolean; outcomeUnknown?: boolean },
  ) {
    super(
      host,
      options?.selfExplained
        ? `host ${host}: the Docker engine at ${endpoint} cannot be reached: ${reason}`
        : `host ${host}: the Docker engine at ${endpoint} does not answer (${reason}); ` +
            `check that dockerd runs there and that the endpoint in the jobs file's hosts section is right`,
      options,
    );
    this.outcomeUnknown = options?.outcomeUnknown ?? false;
  }
}

export class ImageNotFound extends ContainerRuntimeError {
  readonly code = 'IMAGE_NOT_FOUND';
  constructor(host: string, readonly image: string, reason: string, options?: { cause?: unknown }) {
    super(
      host,
      `host ${host}: image ${image} cannot be pulled (${reason}); ` +
        `check the tag exists in the registry (cj update JOB lists them) and the host can reach the registry`,
      options,
    );
  }
}

export class PortInUse extends ContainerRuntimeError {
  readonly code = 'PORT_IN_USE';
  constructor(
    host: string,
    readonly port: number,
    readonly holder: string,
  ) {
    super(
      host,
      `host ${host}: port ${port} is already taken by ${holder}; ` +
        `stop it first (stop-first order) or give the task another port in the jobs file`,
    );
  }
}

export class ContainerNotFound extends ContainerRuntimeError {
  readonly code = 'CONTAINER_NOT_FOUND';
  constructor(host: string, readonly container: string, options?: { cause?: unknown }) {
    super(
      host,
      `host ${host}: container ${container} no longer exists (removed outside cj?); ` +
        `run cj status to see what runs now`,
      options,
    );
  }
}

export class DaemonError extends ContainerRuntimeError {
  readonly code = 'DAEMON_ERROR';
  constructor(
    host: string,
    readonly operation: string,
    readonly statusCode: number | undefined,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      host,
      `host ${host}: the Docker engine refused to ${operation}` +
        `${statusCode ? ` (HTTP ${statusCode})` : ''}: ${reason}; see the engine's log on that host`,
      options,
    );
  }
}
