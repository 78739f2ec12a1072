import { Injectable } from '@nestjs/common';
import type { RunningContainer, UpdateCandidatesResponse } from '@cj/api';
import { notFound } from '../http/problem';
import { HostRuntimes } from '../hosts/host-runtimes';
import { ImageRegistries } from '../hosts/image-registries';
import { HostQueries } from '../read-model/queries/host-queries';
import { JobQueries } from '../read-model/queries/job-queries';

/**
 * `cj update JOB`: the talk's screen — the job's running containers (version, created, image id,
 * container id) and the registry's tags of its image, newest first.
 */
@Injectable()
export class UpdateCandidatesView {
  constructor(
    private readonly jobs: JobQueries,
    private readonly hosts: HostQueries,
    private readonly runtimes: HostRuntimes,
    private readonly registries: ImageRegistries,
  ) {}

  async candidates(env: string, job: string): Promise<UpdateCandidatesResponse> {
    const current = this.jobs.current(env, job);
    if (!current)
      throw notFound(
        'job-not-found',
        `environment ${env} has no job ${job}`,
        `list the jobs with cj status --env ${env}`,
      );
    const hostNames = [...new Set(current.spec.tasks.map((task) => task.host))];
    const listed = await Promise.all(
      hostNames.map(async (name) => {
        const host = this.hosts.spec(env, name);
        return host ? this.runtimes.for(host).list({ env, job }) : [];
      }),
    );
    const running: RunningContainer[] = listed
      .flat()
      .filter((container) => container.state === 'running')
      .map((container) => ({
        task: container.task,
        host: container.host,
        version: this.jobs.revision(env, job, container.revision)?.image.tag ?? container.image,
        created: container.createdAt,
        imageId: container.imageId,
        containerId: container.id,
      }))
      .sort((a, b) => a.task - b.task);
    const tags = await this.registries.for(current.spec.image).describeTags(current.spec.image.repository);
    return {
      job,
      running,
      tags: tags.map((tag) => ({
        version: tag.tag,
        imageId: tag.imageId,
        digest: tag.digest,
        ...(tag.created && { created: tag.created }),
      })),
    };
  }
}
