import { formatImageRef, type Environment, type ImageRef, type JobSpec } from '@cj/domain';
import type { ImageRegistries } from '../../hosts/image-registries';

/**
 * Pins every job's image to the digest its tag names in the registry now, so a revision always
 * means the same bytes. A tag or repository the registry does not have fails the whole apply.
 */
export async function resolveImages(environment: Environment, registries: ImageRegistries): Promise<Environment> {
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
  const jobs = await Promise.all(
    environment.jobs.map(async (job): Promise<JobSpec> => {
      if (job.image.digest) return job;
      return { ...job, image: { ...job.image, digest: await digestOf(job.image) } };
    }),
  );
  return { ...environment, jobs };
}
