import { formatImageRef, JobsFileError, type Environment, type JobsFileIssue } from '@cj/domain';
import type { ImageRegistries } from '../hosts/image-registries';
import { isMissingImage, missingImageIssue } from './missing-image';
import type { DeclaredEnvironment } from './read-jobs-file';
import type { ImageRef, JobSpec } from '@cj/api';

/**
 * Pins every job's image to the digest its tag names in the registry now, so a revision always
 * means the same bytes. An image the registry does not have is an error of the jobs file, at the
 * job's `image:`; every such job is reported at once and the whole apply fails. Any other registry
 * failure (unreachable, unauthorized) fails it as it is.
 */
export async function resolveImages(
  { environment, sources }: DeclaredEnvironment,
  registries: ImageRegistries,
): Promise<Environment> {
  const digests = new Map<string, Promise<string>>();
  const digestOf = (image: ImageRef): Promise<string> => {
    const key = formatImageRef({ ...image, digest: undefined });
    let digest = digests.get(key);
    if (!digest) {
      digest = registries
        .for(image)
        .resolve(image.repository, image.tag)
        .then((manifest) => manifest.digest);
      digests.set(key, digest);
    }
    return digest;
  };
  const resolved = await Promise.all(
    environment.jobs.map(async (job): Promise<{ job: JobSpec } | { issue: JobsFileIssue }> => {
      if (job.image.digest) return { job };
      try {
        return { job: { ...job, image: { ...job.image, digest: await digestOf(job.image) } } };
      } catch (error) {
        const at = sources.jobs.get(job.name)?.image;
        if (!isMissingImage(error) || !at) throw error;
        return { issue: await missingImageIssue(job.name, job.image, at, error, registries.for(job.image)) };
      }
    }),
  );
  const issues = resolved.flatMap((entry) => ('issue' in entry ? [entry.issue] : []));
  if (issues.length > 0) throw new JobsFileError(issues);
  return { ...environment, jobs: resolved.flatMap((entry) => ('job' in entry ? [entry.job] : [])) };
}
