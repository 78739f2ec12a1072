import type { RegistryErrorCode } from '@cj/domain';

/** Where a failure happened: the registry and, when known, the repository and reference. */
export interface RegistryErrorContext {
  readonly registry: string;
  readonly repository?: string;
  readonly reference?: string;
}

/**
 * Base of every registry failure. The message says what went wrong, where, and what to do;
 * `code` lets callers branch without parsing text.
 */
export abstract class RegistryError extends Error {
  abstract readonly code: RegistryErrorCode;
  readonly registry: string;
  readonly repository?: string;
  readonly reference?: string;

  protected constructor(context: RegistryErrorContext, problem: string, remedy: string, options?: ErrorOptions) {
    super(`${problem} (${describeLocation(context)}). ${remedy}`, options);
    this.name = new.target.name;
    this.registry = context.registry;
    this.repository = context.repository;
    this.reference = context.reference;
  }
}

function describeLocation({ registry, repository, reference }: RegistryErrorContext): string {
  if (!repository) return `registry ${registry}`;
  const separator = reference?.includes(':') ? '@' : ':';
  return `registry ${registry}, repository ${repository}${reference ? `${separator}${reference}` : ''}`;
}

export class RegistryUnauthorized extends RegistryError {
  readonly code = 'REGISTRY_UNAUTHORIZED';
  constructor(context: RegistryErrorContext, detail: string) {
    super(
      context,
      `Not authorized: ${detail}`,
      'Check the username and password given for this registry (or its entry in the Docker config file), ' +
        'and that the account may access the repository.',
    );
  }
}

export class InvalidReference extends RegistryError {
  readonly code = 'INVALID_REFERENCE';
  constructor(context: RegistryErrorContext, problem: string, remedy: string) {
    super(context, problem, remedy);
  }
}

export class RepositoryNotFound extends RegistryError {
  readonly code = 'REPOSITORY_NOT_FOUND';
  constructor(context: RegistryErrorContext) {
    super(
      context,
      'Repository not found',
      'Check the image name in the jobs file, and that the image was pushed to this registry.',
    );
  }
}

export class ManifestNotFound extends RegistryError {
  readonly code = 'MANIFEST_NOT_FOUND';
  constructor(context: RegistryErrorContext) {
    super(
      context,
      'No such tag or digest',
      'List the tags of the repository and pick one that exists, or push the image first.',
    );
  }
}

export class PlatformNotFound extends RegistryError {
  readonly code = 'PLATFORM_NOT_FOUND';
  readonly available: readonly string[];
  constructor(context: RegistryErrorContext, wanted: string, available: readonly string[]) {
    super(
      context,
      `The multi-platform image has no ${wanted} variant (it has ${available.join(', ') || 'none'})`,
      'Build and push the image for that platform, or ask for one of the platforms it has.',
    );
    this.available = available;
  }
}

export class UnsupportedManifest extends RegistryError {
  readonly code = 'UNSUPPORTED_MANIFEST';
  readonly mediaType: string;
  constructor(context: RegistryErrorContext, mediaType: string) {
    super(
      context,
      `The registry returned a manifest of type "${mediaType}", which cj does not read (Docker schema1 is deprecated and its digests are not stable)`,
      'Push the image again with a current Docker or OCI tool so the registry stores a schema2 or OCI manifest.',
    );
    this.mediaType = mediaType;
  }
}

export class RateLimited extends RegistryError {
  readonly code = 'RATE_LIMITED';
  /** Seconds the registry asked to wait, when it said so (`Retry-After`). */
  readonly retryAfterSeconds?: number;
  constructor(context: RegistryErrorContext, retryAfterSeconds?: number) {
    super(
      context,
      'The registry is rate limiting requests (HTTP 429)',
      retryAfterSeconds === undefined ? 'Wait a while before trying again.' : `Try again in ${retryAfterSeconds} s.`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class RegistryUnreachable extends RegistryError {
  readonly code = 'REGISTRY_UNREACHABLE';
  constructor(context: RegistryErrorContext, detail: string, options?: ErrorOptions) {
    super(
      context,
      `Registry unreachable: ${detail}`,
      'Check that the registry is running and its address, port, scheme and CA certificate are right.',
      options,
    );
  }
}

export class RegistryProtocolError extends RegistryError {
  readonly code = 'REGISTRY_PROTOCOL';
  readonly status?: number;
  constructor(context: RegistryErrorContext, detail: string, status?: number) {
    super(
      context,
      `Unexpected registry response: ${detail}`,
      'Check that the address points at a Docker Registry HTTP API v2 server.',
    );
    this.status = status;
  }
}

export class RegistryConfigError extends RegistryError {
  readonly code = 'REGISTRY_CONFIG';
  constructor(context: RegistryErrorContext, problem: string, remedy: string) {
    super(context, problem, remedy);
  }
}
