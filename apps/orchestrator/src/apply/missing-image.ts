import { closest, formatImageRef, type ImageRegistry, type JobsFileIssue, type SourcePosition } from '@cj/domain';
import type { ImageRef } from '@cj/api';
import { RegistryError } from '@cj/registry-client';

/** How many of a repository's tags (or a registry's repositories) a hint lists before "and N more". */
const LISTED = 8;

/** The registry answered that it does not have the image a job names: no such tag, or no such repository. */
export function isMissingImage(error: unknown): error is RegistryError {
  return (
    error instanceof RegistryError && (error.code === 'MANIFEST_NOT_FOUND' || error.code === 'REPOSITORY_NOT_FOUND')
  );
}

/**
 * A missing image as a jobs-file error at the job's `image:`, with the names the registry does
 * have as the hint.
 */
export async function missingImageIssue(
  job: string,
  image: ImageRef,
  at: SourcePosition,
  error: RegistryError,
  registry: ImageRegistry,
): Promise<JobsFileIssue> {
  return {
    file: at.file,
    line: at.line,
    column: at.column,
    path: at.path,
    ...(await missingImage(job, image, error, registry)),
  };
}

/**
 * What to tell the operator of a job whose image the registry does not have: which part is
 * missing, and the names it does have. Listing them is a courtesy: if that fails too, the hint says
 * what to do anyway.
 */
export async function missingImage(
  job: string,
  image: ImageRef,
  error: RegistryError,
  registry: ImageRegistry,
): Promise<{ message: string; hint: string }> {
  const ref = formatImageRef({ ...image, digest: undefined });
  if (error.code === 'REPOSITORY_NOT_FOUND') {
    const repositories = await registry.listRepositories().catch(() => []);
    return {
      message: `job "${job}": image ${ref} is not in the registry (registry ${error.registry} has no repository ${image.repository})`,
      hint: `${choices(image.repository, repositories, 'its repositories')}check the image name, or push the image first`,
    };
  }
  const tags = await registry.listTags(image.repository).catch(() => []);
  return {
    message: `job "${job}": image ${ref} is not in the registry (repository ${image.repository} has no tag ${image.tag})`,
    hint: `${choices(image.tag, tags, `tags of ${image.repository}`)}pick a tag the registry has (cj update ${job} lists them), or push this one first`,
  };
}

/** `did you mean "v2"? tags of cj-demo: v1, v2; ` — or nothing when the registry listed none. */
function choices(written: string, known: readonly string[], what: string): string {
  if (known.length === 0) return '';
  const suggestion = closest(written, known);
  const listed =
    known.slice(0, LISTED).join(', ') + (known.length > LISTED ? ` and ${known.length - LISTED} more` : '');
  return `${suggestion ? `did you mean "${suggestion}"? ` : ''}${what}: ${listed}; `;
}
