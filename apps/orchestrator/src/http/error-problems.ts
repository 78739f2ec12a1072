import { ContainerRuntimeError } from '@cj/docker-adapter';
import { DomainError, JobsFileError, type DomainErrorCode } from '@cj/domain';
import { DuplicateEventIdError, MaximumAppendSizeExceededError } from '@cj/event-store';
import { RegistryError } from '@cj/registry-client';
import { ProjectionTimeoutError } from '../read-model/projection-runner';
import { StreamContentionError } from '../store/command-loop';
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

/**
 * Every domain refusal's status, by its code: the one table (a new code does not compile until it
 * has its row). The problem's type is the code in kebab case.
 */
const DOMAIN_STATUS: Readonly<Record<DomainErrorCode, number>> = {
  JobNotFound: 404,
  JobRemoved: 409,
  JobNameMismatch: 409,
  UnknownRevision: 409,
  UnknownTask: 409,
  RolloutInProgress: 409,
  'job-running': 409,
  'hosts-held': 409,
  ROLLOUT_NOT_FOUND: 404,
  ROLLOUT_ALREADY_EXISTS: 409,
  ROLLOUT_FINISHED: 409,
  ROLLOUT_NOT_RUNNING: 409,
  ROLLOUT_NOT_PAUSED: 409,
  INVALID_ROLLOUT: 422,
  'same-environment': 422,
  'environment-empty': 404,
  'host-not-mapped': 422,
  'host-not-declared': 422,
  'host-mapped-twice': 422,
  'bad-endpoint': 422,
  'rollout-in-progress': 409,
};
const TITLES: Readonly<Record<number, string>> = {
  404: 'Not found',
  409: 'Conflict',
  422: 'Unprocessable request',
};

/** `JobNotFound`, `ROLLOUT_NOT_FOUND` and `hosts-held` as problem types: `job-not-found`, `rollout-not-found`, `hosts-held`. */
const kebab = (code: string) =>
  code
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();

const slug = (code: string) => code.toLowerCase().replace(/_/g, '-');

/**
 * The one place an error becomes an API problem, so handlers throw (or let propagate) what they
 * refuse: domain refusals (by their code), host engines, the registry, jobs files and the
 * store each map to one status.
 */
export function problemOf(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (error instanceof JobsFileError) return invalidJobsFile(error.issues);
  if (error instanceof DomainError) {
    const status = DOMAIN_STATUS[error.code];
    return new ProblemError(status, kebab(error.code), TITLES[status], error.message, error.hint);
  }
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
