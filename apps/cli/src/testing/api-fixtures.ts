import type { ApiProblem, RolloutView, StatusResponse, UpdateCandidatesResponse } from '@cj/api';

/** Recorded answers of the orchestrator's API, in the shapes of @cj/api's types. */

export const DIGEST_V1 = 'sha256:1111111111111111111111111111111111111111111111111111111111111111';
export const DIGEST_V2 = 'sha256:2222222222222222222222222222222222222222222222222222222222222222';

export const status: StatusResponse = {
  env: 'default',
  tasks: [
    {
      job: 'webhook-listener',
      task: 0,
      host: 'git-app-1',
      port: 9999,
      desired: { revision: 2, image: 'localhost:5000/webhook-listener:a5af2f2', digest: DIGEST_V1, state: 'running' },
      observed: {
        containerId: 'c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789',
        image: 'localhost:5000/webhook-listener:a5af2f2',
        digest: DIGEST_V1,
        revision: 2,
        state: 'running',
        health: 'healthy',
        startedAt: '2015-06-01T10:00:00.000Z',
        memoryBytes: 52_428_800,
        cpuPercent: 1.25,
      },
    },
    {
      job: 'coding-blog',
      task: 1,
      host: 'core-app-2',
      port: 9090,
      desired: { revision: 5, image: 'localhost:5000/coding-blog:v7', state: 'running' },
    },
  ],
};

export const updateCandidates: UpdateCandidatesResponse = {
  job: 'webhook-listener',
  running: [
    {
      task: 0,
      host: 'git-app-1',
      version: 'a5af2f2',
      created: '2015-05-30T08:00:00.000Z',
      imageId: DIGEST_V1,
      containerId: 'c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789',
    },
  ],
  tags: [
    { version: 'b7c8d9e', imageId: DIGEST_V2, digest: DIGEST_V2, created: '2015-06-02T09:00:00.000Z' },
    { version: 'a5af2f2', imageId: DIGEST_V1, digest: DIGEST_V1, created: '2015-05-30T08:00:00.000Z' },
  ],
};

/** A rollout of `webhook-listener` r2 → r3 over two tasks, in the phase given. */
export function rollout(phase: RolloutView['phase'], taskPhases: [string, string], reason?: string): RolloutView {
  return {
    id: '6f1c2a9e-0b7d-4c3e-9a51-2d8f4e7b1c01',
    env: 'default',
    job: 'webhook-listener',
    fromRevision: 2,
    toRevision: 3,
    phase,
    ...(reason ? { reason } : {}),
    startedAt: '2015-06-02T10:00:00.000Z',
    tasks: [
      {
        task: 0,
        host: 'git-app-1',
        fromRevision: 2,
        toRevision: 3,
        phase: taskPhases[0],
        health: taskPhases[0] === 'updated' ? 'healthy' : undefined,
      },
      { task: 1, host: 'git-app-2', fromRevision: 2, toRevision: 3, phase: taskPhases[1] },
    ],
  };
}

export const invalidJobsFile: ApiProblem = {
  type: 'urn:cj:problem:invalid-jobs-file',
  title: 'Invalid jobs file',
  status: 422,
  detail: 'the jobs file has 2 errors; nothing was recorded',
  hint: 'fix each error and apply again',
  errors: [
    {
      file: 'jobs.yaml',
      line: 4,
      column: 5,
      path: 'jobs[0].port',
      message: 'port must be a number from 1 to 65535',
      hint: 'e.g. port: 9999',
    },
    { file: 'jobs.yaml', line: 9, column: 3, path: 'jobs[1].run_on_host', message: 'host git-app-9 is not declared' },
  ],
};

export const unknownJob: ApiProblem = {
  type: 'urn:cj:problem:unknown-job',
  title: 'Unknown job',
  status: 404,
  detail: 'job nope is not recorded in default',
  hint: 'list the jobs with `cj status`',
};
