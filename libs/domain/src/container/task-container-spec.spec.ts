import { jobSpec } from '../testing';
import { taskContainerSpec } from './task-container-spec';

describe('taskContainerSpec: the container made for one task of a job', () => {
  const job = jobSpec({ command: ['serve', '--port', '8080'], resources: { memory: 268435456 } });

  it('given a job and a place, when the spec is made, then it carries the job image, envs, mounts, command, resources, restart and health', () => {
    expect(taskContainerSpec(job, { env: 'prod', task: 1, port: 8081, revision: 3 })).toEqual({
      env: 'prod',
      job: 'web',
      task: 1,
      revision: 3,
      image: job.image,
      port: 8081,
      envs: job.envs,
      mounts: job.mounts,
      command: ['serve', '--port', '8080'],
      resources: { memory: 268435456 },
      restart: 'unless-stopped',
      health: job.health,
    });
  });

  it('given a rollout, when the spec is made, then it names the rollout', () => {
    expect(taskContainerSpec(job, { env: 'prod', task: 0, port: 8080, revision: 2, rollout: 'r-1' }).rollout).toBe(
      'r-1',
    );
  });

  it("given a job without a command, when the spec is made, then it has none (the image's CMD runs) and no rollout", () => {
    const made = taskContainerSpec(jobSpec(), { env: 'prod', task: 0, port: 8080, revision: 1 });
    expect('command' in made).toBe(false);
    expect('rollout' in made).toBe(false);
  });
});
