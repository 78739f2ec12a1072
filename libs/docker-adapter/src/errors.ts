/**
 * Typed failures of a host's Docker engine. Each names the host (and the container or image) and
 * says what to do, so that a caller can show it as-is or act on its `code`.
 */
export type ContainerRuntimeErrorCode =
  | 'HOST_UNREACHABLE'
  | 'IMAGE_NOT_FOUND'
  | 'PORT_IN_USE'
  | 'CONTAINER_NOT_FOUND'
  | 'DAEMON_ERROR'
  | 'FOREIGN_CONTAINER'
  | 'HOST_HELD';

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
  constructor(
    host: string,
    readonly image: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
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
  constructor(
    host: string,
    readonly container: string,
    options?: { cause?: unknown },
  ) {
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

/**
 * The container belongs to another cluster (its `cj.cluster` label names another store): cj never
 * stops, removes, renames, starts or enters it. Reaching this means a caller held another
 * cluster's container id; the refusal is the last guard.
 */
export class ForeignContainerRefused extends ContainerRuntimeError {
  readonly code = 'FOREIGN_CONTAINER';
  constructor(
    host: string,
    readonly container: string,
    readonly otherStoreId: string,
    operation: string,
  ) {
    super(
      host,
      `host ${host}: container ${container} belongs to another cluster (store ${otherStoreId}); cj will not ${operation} it. ` +
        `Manage it from the orchestrator of that store, or remove it by hand if that cluster is gone`,
    );
  }
}

/**
 * The host is held (its store was started somewhere else than where it last ran): cj changes
 * nothing on its engine until someone confirms it is this cluster's.
 */
export class HostHeldRefused extends ContainerRuntimeError {
  readonly code = 'HOST_HELD';
  constructor(host: string, operation: string) {
    super(
      host,
      `host ${host} is held since this store was started somewhere else than where it last ran; cj will not ${operation} there. ` +
        `Once you know the host is this cluster's, run cj hosts confirm ${host}`,
    );
  }
}
