import type { ImageRef } from '@cj/api';

// The grammar of docker/distribution's reference package, reduced to what a jobs file needs.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const REGISTRY =
  /^(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|[A-Za-z0-9-]+:\d+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+:\d+|\[[0-9a-fA-F:]+\](?::\d+)?)$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** The tag an image reference means when it names none, as with `docker pull`. */
export const DEFAULT_TAG = 'latest';

/**
 * Parses `repo`, `repo:tag`, `registry:5000/team/repo:tag`, `repo@sha256:…` or `repo:tag@sha256:…`.
 * The first path component is a registry when it looks like a host (a dot, a port or `localhost`),
 * the rule Docker uses; otherwise `defaultRegistry` (the jobs file's `registry`) applies.
 * Returns undefined when the text is not a valid reference.
 */
export function parseImageRef(text: string, defaultRegistry?: string): ImageRef | undefined {
  const [name, digest, ...extra] = text.split('@');
  if (extra.length > 0 || (digest !== undefined && !DIGEST.test(digest))) return undefined;
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const namesRegistry = slash >= 0 && (first === 'localhost' || first.includes('.') || first.includes(':'));
  const registry = namesRegistry ? first : defaultRegistry;
  const rest = namesRegistry ? name.slice(slash + 1) : name;
  const colon = rest.lastIndexOf(':');
  const repository = colon < 0 ? rest : rest.slice(0, colon);
  const tag = colon < 0 ? DEFAULT_TAG : rest.slice(colon + 1);
  if (!REPOSITORY.test(repository) || !TAG.test(tag)) return undefined;
  if (registry !== undefined && !REGISTRY.test(registry)) return undefined;
  return {
    ...(registry !== undefined && { registry }),
    repository,
    tag,
    ...(digest !== undefined && { digest }),
  };
}

/** True when `text` can serve as a registry host (`localhost:5000`, `registry.example.com`). */
export function isRegistryHost(text: string): boolean {
  return REGISTRY.test(text);
}

/** The reference Docker understands: `registry/repository:tag[@digest]`. */
export function formatImageRef(image: ImageRef): string {
  const name = image.registry ? `${image.registry}/${image.repository}` : image.repository;
  return `${name}:${image.tag}${image.digest ? `@${image.digest}` : ''}`;
}
