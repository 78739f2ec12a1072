import { InvalidReference, type RegistryErrorContext } from './errors';

// Grammar of docker/distribution's reference package.
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

export function isDigest(reference: string): boolean {
  return DIGEST.test(reference);
}

export function checkRepository(context: RegistryErrorContext): void {
  const repository = context.repository ?? '';
  if (!REPOSITORY.test(repository) || repository.length > 255) {
    throw new InvalidReference(
      context,
      `"${repository}" is not a valid repository name`,
      'Use lowercase letters, digits and separators (. _ __ -), with / between path components, as in team/webhook-listener.',
    );
  }
}

export function checkTagOrDigest(context: RegistryErrorContext, reference: string): void {
  if (TAG.test(reference) || isDigest(reference)) return;
  throw new InvalidReference(
    context,
    `"${reference}" is neither a tag nor a digest`,
    'A tag is up to 128 letters, digits, _ . - (not starting with . or -); a digest looks like sha256:<64 hex digits>.',
  );
}

export function checkDigest(context: RegistryErrorContext, reference: string): void {
  if (isDigest(reference)) return;
  throw new InvalidReference(
    context,
    `"${reference}" is not a digest`,
    'Manifests are deleted by digest (sha256:<64 hex digits>), not by tag; resolve the tag first.',
  );
}
