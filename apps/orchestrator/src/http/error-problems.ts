import { ContainerRuntimeError } from '@cj/docker-adapter';
import { DomainError, JobNotFoundError, JobsFileError, RolloutError, RolloutInProgressError } from '@cj/domain';
import { DuplicateEventIdError, MaximumAppendSizeExceededError } from '@cj/event-store';
import { RegistryError } from '@cj/registry-client';
import { ProjectionTimeoutError } from '../read-model/projection-runner';
import { rolloutProblem } from '../rollout/commands/rollout-problems';
import { StreamContentionError } from '../store/stream-writer';
import { ProblemError, invalidJobsFile } from './problem';

const RUNTIME_STATUS: Readonly<Record<string, number>> = {
  HOST_UNREACHABLE: 503,
  IMAGE_NOT_FOUND: 422,
  PORT_IN_USE: 409,
  CONTAINER_NOT_FOUND: 409,
  DAEMON_ERROR: 502,
  FOREIGN_CONTAINER: 409,
  HOST_HELD: 409,
};

const REGISTRY_STATUS: Readonly<Record<string, number>> = {
  REPOSITORY_NOT_FOUND: 422,
  MANIFEST_NOT_FOUND: 422,
  PLATFORM_NOT_FOUND: 422,
  UNSUPPORTED_MANIFEST: 422,
  INVALID_REFERENCE: 422,
  REGISTRY_UNAUTHORIZED: 502,
  RATE_LIMITED: 503,
  REGISTRY_UNREACHABLE: 502,
};

const slug = (code: string) => code.toLowerCase().replace(/_/g, '-');

/**
 * The problem a typed error of a library stands for, so handlers can let them propagate:
 * domain refusals, host engines, the registry and jobs files each map to one status.
 */
export function problemOf(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (error instanceof JobsFileError) return invalidJobsFile(error.issues);
  if (error instanceof JobNotFoundError)
    return new ProblemError(404, 'job-not-found', 'Not found', error.message, error.hint);
  if (error instanceof RolloutInProgressError)
    return new ProblemError(409, 'rollout-in-progress', 'Conflict', error.message, error.hint);
  if (error instanceof RolloutError) return rolloutProblem(error);
  if (error instanceof DomainError)
    return new ProblemError(409, slug(error.code), 'Conflict', error.message, error.hint);
  if (error instanceof ContainerRuntimeError) {
    const status = RUNTIME_STATUS[error.code] ?? 502;
    // The engine's message already says what to do about this host; the hint points at the others.
    const hint = status === 503 ? `cj hosts shows which hosts of the environment answer` : undefined;
    return new ProblemError(
      status,
      slug(error.code),
      status === 503 ? 'Host unreachable' : 'Host engine refused',
      error.message,
      hint,
    );
  }
  if (error instanceof RegistryError) {
    const status = REGISTRY_STATUS[error.code] ?? 502;
    return new ProblemError(
      status,
      slug(error.code),
      status === 422 ? 'Image not in the registry' : 'Registry failure',
      error.message,
    );
  }
  if (error instanceof MaximumAppendSizeExceededError) {
    return new ProblemError(
      413,
      'events-too-large',
      'Events too large',
      `the change was not recorded: ${error.message}`,
      'make the request smaller (fewer or shorter envs, fewer jobs per file) or split it; on EventStoreDB the server setting MaxAppendSize raises the limit',
    );
  }
  if (error instanceof DuplicateEventIdError) {
    return new ProblemError(
      409,
      'command-id-reused',
      'Conflict',
      `this commandId was already used by another command (${error.streamId} holds its events)`,
      'send a fresh commandId for another command',
    );
  }
  if (error instanceof StreamContentionError)
    return new ProblemError(
      409,
      'stream-contention',
      'Conflict',
      error.message,
      'retry the request with the same commandId',
    );
  if (error instanceof ProjectionTimeoutError) {
    return new ProblemError(
      503,
      'read-models-behind',
      'Read models behind',
      `the change was recorded, but ${error.message}`,
      'see /healthz and the log; the answer will catch up',
    );
  }
  return undefined;
}
